import { apiRoute, json, readJsonObject } from "@/lib/api/http";
import { AppError } from "@/lib/domain/errors";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { listApiTokens } from "@/lib/services/tokens/list-tokens";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ identity }) => json({ tokens: await listApiTokens(identity) }));

/** Only a signed-in browser may mint tokens: a leaked token must not be able to create more of itself. */
export const POST = apiRoute(async ({ request, identity, via }) => {
  if (via === "token") throw new AppError("FORBIDDEN", "API tokens can only be created while signed in to Envdeck in a browser, not with another token.");
  const { token, summary } = await createApiToken(identity, await readJsonObject(request));
  return json({ token, ...summary }, 201);
});
