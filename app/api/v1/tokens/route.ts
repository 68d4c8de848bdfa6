import { apiRoute, readJsonObject, respond } from "@/lib/api/http";
import { ApiTokenListSchema, CreatedApiTokenSchema } from "@/lib/api/schemas/token";
import { AppError } from "@/lib/domain/errors";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { listApiTokens } from "@/lib/services/tokens/list-tokens";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ identity }) => respond(ApiTokenListSchema, { tokens: await listApiTokens(identity) }));

/** Only a signed-in browser may mint tokens: a leaked token must not be able to create more of itself. */
export const POST = apiRoute(async ({ request, identity, via }) => {
  if (via === "token") throw new AppError("FORBIDDEN", "API tokens can only be created while signed in to Envdeck in a browser, not with another token.");
  const { token, summary } = await createApiToken(identity, await readJsonObject(request));
  return respond(CreatedApiTokenSchema, { token, ...summary }, 201);
});
