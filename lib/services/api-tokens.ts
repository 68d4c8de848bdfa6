import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { loadIdentity } from "./accounts";

/**
 * Personal API tokens for scripts. The secret is shown once at creation; only its sha256 is stored, so a
 * database leak gives nobody a usable token. A token acts as its user with the user's current roles and
 * groups (re-read on every request), and never carries identity-provider claims.
 */

export const TOKEN_PREFIX = "edk_";
const TOKEN_FORMAT = /^edk_[A-Za-z0-9_-]{43}$/;
export const MAX_TOKENS_PER_USER = 20;
/** How often `lastUsedAt` is written for a busy token. */
const LAST_USED_RESOLUTION_MS = 60_000;

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

export interface ApiTokenSummary {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revoked: boolean;
}

function hashToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Creates a token for the caller; returns its secret, which is never shown again. */
export async function createApiToken(identity: Identity | null, input: unknown): Promise<{ token: string; summary: ApiTokenSummary }> {
  assertCan(identity, "instance:launch");
  const parsed = newTokenSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", "Please correct the highlighted fields.", z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  }
  const active = await db().apiToken.count({ where: { userId: identity.userId, revokedAt: null } });
  if (active >= MAX_TOKENS_PER_USER) throw new AppError("CONFLICT", `You already have ${MAX_TOKENS_PER_USER} tokens. Revoke one you no longer use first.`);
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const { expiresInDays } = parsed.data;
  const row = await db().apiToken.create({
    data: {
      userId: identity.userId,
      name: parsed.data.name,
      tokenHash: hashToken(token),
      expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
    },
  });
  return { token, summary: toSummary(row) };
}

function toSummary(row: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null }): ApiTokenSummary {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revoked: row.revokedAt !== null,
  };
}

/** The caller's tokens, newest first (never their secrets). */
export async function listApiTokens(identity: Identity | null): Promise<ApiTokenSummary[]> {
  assertCan(identity, "instance:launch");
  const rows = await db().apiToken.findMany({ where: { userId: identity.userId }, orderBy: { createdAt: "desc" } });
  return rows.map(toSummary);
}

/** Revokes one of the caller's tokens; someone else's token is NOT_FOUND, like a missing one. */
export async function revokeApiToken(identity: Identity | null, id: unknown): Promise<void> {
  assertCan(identity, "instance:launch");
  const valid = typeof id === "string" && z.uuid().safeParse(id).success;
  const { count } = valid
    ? await db().apiToken.updateMany({ where: { id: id as string, userId: identity.userId, revokedAt: null }, data: { revokedAt: new Date() } })
    : { count: 0 };
  if (count === 0) {
    const exists = valid && (await db().apiToken.count({ where: { id: id as string, userId: identity.userId } })) > 0;
    if (!exists) throw new AppError("NOT_FOUND", "There is no such token of yours.");
  }
}

/**
 * The identity behind a bearer token, or null for anything unusable: malformed, unknown, revoked, expired,
 * or belonging to a disabled account. Callers answer all of these alike.
 */
export async function authenticateApiToken(secret: string): Promise<Identity | null> {
  if (!TOKEN_FORMAT.test(secret)) return null;
  const row = await db().apiToken.findUnique({ where: { tokenHash: hashToken(secret) } });
  const now = new Date();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  const identity = await loadIdentity(row.userId);
  if (!identity) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return identity;
}
