import "server-only";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { loadIdentity } from "@/lib/services/accounts/internal/sign-in";
import { hashToken, TOKEN_FORMAT } from "./token";

/** How often `lastUsedAt` is written for a busy token. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The identity behind a bearer token, or null for anything unusable: malformed, unknown, revoked, expired,
 * or belonging to a disabled account. Callers answer all of these alike. The user is re-read on every
 * request, so role changes and disabling apply at once.
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
