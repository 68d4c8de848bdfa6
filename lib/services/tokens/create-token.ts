import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { hashToken, toSummary, TOKEN_PREFIX, type ApiTokenSummary } from "./internal/token";

export const MAX_TOKENS_PER_USER = 20;

export const newTokenSchema = z.object({
  name: z
    .string({ error: "Give the token a name." })
    .trim()
    .min(1, "Give the token a name.")
    .max(100, "At most 100 characters.")
    .regex(/^[^\u0000-\u001f\u007f]+$/, "No control characters."),
  // A number from JSON, or digits from a form; never `true` or `[5]`.
  expiresInDays: z
    .preprocess(
      (value) => (typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : value),
      z.number({ error: "A number of days." }).int("A whole number of days.").min(1, "At least 1 day.").max(365, "At most 365 days."),
    )
    .optional(),
});
export type NewToken = z.infer<typeof newTokenSchema>;

/**
 * Creates a personal API token for the caller and returns its secret, which is never shown again. The token
 * acts as its user with the user's current roles and groups, and never carries identity-provider claims.
 */
export async function createApiToken(identity: Identity | null, input: unknown): Promise<{ token: string; summary: ApiTokenSummary }> {
  assertCan(identity, "instance:launch");
  const parsed = newTokenSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", "Please correct the highlighted fields.", z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  }
  // Expired tokens work no more than revoked ones: only usable tokens count against the limit.
  const active = await db().apiToken.count({ where: { userId: identity.userId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] } });
  if (active >= MAX_TOKENS_PER_USER) throw new AppError("CONFLICT", `You already have ${MAX_TOKENS_PER_USER} tokens. Revoke one you no longer use first.`);
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const { name, expiresInDays } = parsed.data;
  const row = await db().$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: { userId: identity.userId, name, tokenHash: hashToken(token), expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null },
    });
    await recordAudit(tx, { actor: identity, action: "token.create", objectType: "token", objectId: row.id, after: { name, expiresAt: row.expiresAt } });
    return row;
  });
  return { token, summary: toSummary(row) };
}
