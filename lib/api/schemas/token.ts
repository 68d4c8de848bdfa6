import { z } from "zod";
import { requestSchema, responseSchema } from "./registry";

/** Personal API tokens over the REST API: `/api/v1/tokens…`. */

export const ApiTokenSchema = responseSchema(
  "ApiToken",
  z.object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable().describe("Null for a token that never expires."),
    revoked: z.boolean(),
  }),
);

export const ApiTokenListSchema = responseSchema("ApiTokenList", z.object({ tokens: z.array(ApiTokenSchema).describe("Newest first.") }));

export const CreatedApiTokenSchema = responseSchema(
  "CreatedApiToken",
  ApiTokenSchema.extend({ token: z.string().describe("The secret: shown only now, never again.") }),
);

/** Documents the body; the use case (lib/services/tokens/create-token.ts) parses it with its own messages. */
export const NewApiTokenSchema = requestSchema(
  "NewApiToken",
  z.object({
    name: z.string().min(1).max(100).describe("No control characters."),
    expiresInDays: z.number().int().min(1).max(365).optional().describe("Omit for a token that never expires."),
  }),
);
