import { apiRoute, noContent } from "@/lib/api/http";
import { revokeApiToken } from "@/lib/services/api-tokens";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ id: string }>(async ({ params, identity }) => {
  await revokeApiToken(identity, params.id);
  return noContent();
});
