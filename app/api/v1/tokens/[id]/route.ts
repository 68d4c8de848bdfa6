import { apiRoute, noContent } from "@/lib/api/http";
import { revokeApiToken } from "@/lib/services/tokens/revoke-token";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ id: string }>(async ({ params, identity }) => {
  await revokeApiToken(identity, { id: params.id });
  return noContent();
});
