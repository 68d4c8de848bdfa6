import "server-only";
import { sqlPool } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { toIdentity, type UserRow } from "@/lib/services/accounts/internal/sign-in";
import { hashToken, TOKEN_FORMAT } from "./token";

/** How often `lastUsedAt` is written for a busy token. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/**
 * The identity behind a bearer token, or null for anything unusable: malformed, unknown, revoked, expired,
 * or belonging to a disabled account. Callers answer all of these alike. One statement: the token, its user
 * (re-read on every request, so role changes and disabling apply at once) and, at most once a minute, the
 * token's last use; scripts at the start of a class send hundreds of these a second.
 */
export async function authenticateApiToken(secret: string): Promise<Identity | null> {
  if (!TOKEN_FORMAT.test(secret)) return null;
  const { rows } = await sqlPool().query<UserRow>({
    // Named: each connection parses and plans it once (docs/architecture.md, "Data access").
    name: "envdeck-authenticate-token",
    text: `WITH token AS (
       SELECT id, user_id, last_used_at FROM api_tokens
       WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
     ), usable AS (
       SELECT token.id AS token_id, token.last_used_at, u.* FROM token JOIN users u ON u.id = token.user_id WHERE u.disabled_at IS NULL
     ), used AS (
       UPDATE api_tokens SET last_used_at = now()
       WHERE id = (SELECT token_id FROM usable WHERE last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))
     )
     SELECT id::text, username, display_name AS "displayName", email, groups, roles::text[] AS roles, source::text FROM usable`,
    values: [hashToken(secret), LAST_USED_RESOLUTION_SECONDS],
  });
  return rows[0] ? toIdentity(rows[0]) : null;
}
