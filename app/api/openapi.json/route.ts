import { json } from "@/lib/api/http";
import { openApiDocument } from "@/lib/api/openapi";

export const dynamic = "force-dynamic";

/** The REST API's OpenAPI document. Public: it describes the API, not anyone's data. */
export function GET(): Response {
  return json(openApiDocument);
}
