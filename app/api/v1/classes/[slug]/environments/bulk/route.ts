import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { ClassBulkRequestSchema, ClassBulkResultSchema } from "@/lib/api/schemas/class-environments";
import { runClassBulkAction } from "@/lib/services/classes/run-class-bulk";

export const dynamic = "force-dynamic";

/** End or extend environments of a class's students: previewed with dryRun, run with the count confirmed. */
export const POST = apiRoute<{ slug: string }>(async ({ request, params, identity }) => {
  const body = parseInput(ClassBulkRequestSchema, await readJsonObject(request));
  return respond(ClassBulkResultSchema, await runClassBulkAction(identity, { slug: params.slug, body }));
}, { permission: "teach:view" });
