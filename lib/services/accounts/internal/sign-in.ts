import "server-only";
import { db, sqlPool } from "@/lib/db/client";
import { dummyHash, verifyPassword } from "@/lib/auth/passwords";
import { credentialsSchema } from "@/lib/domain/credentials";
import { AppError } from "@/lib/domain/errors";
import { normaliseRoles, type Identity, type Role } from "@/lib/domain/identity";

export type UserRow = {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  groups: string[];
  roles: Role[];
  source: "local" | "oidc";
};

/** An identity from a user row: the roles are normalised, the claims are the session's. */
export function toIdentity(user: UserRow, claims: Identity["claims"] = {}): Identity {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName ?? user.username,
    email: user.email,
    groups: user.groups,
    roles: normaliseRoles(user.roles),
    claims,
    source: user.source,
  };
}

/**
 * Signing in: checking a local password, mirroring an identity provider's user, and re-reading the user of a
 * session or token. These run before anyone is known, so they check no permission; only lib/auth and the
 * API's token check call them.
 */

/**
 * Checks a local username and password. Returns null for every kind of failure (bad input, unknown user,
 * disabled user, wrong password) so callers cannot tell which, and spends the same hashing time on each.
 */
export async function verifyLocalCredentials(input: unknown): Promise<Identity | null> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const { username, password } = parsed.data;
  const user = await db().user.findUnique({ where: { username: username.toLowerCase() } });
  const usable = user && user.source === "local" && user.passwordHash && !user.disabledAt;
  const matches = await verifyPassword(password, usable ? user.passwordHash! : await dummyHash);
  if (!usable || !matches) return null;
  await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return toIdentity(user);
}

/** Mirrors an OIDC user at sign-in; the provider stays the authority on roles and groups. */
export async function upsertOidcUser(input: {
  username: string;
  displayName: string | null;
  email: string | null;
  groups: string[];
  roles: Role[];
}): Promise<Identity> {
  const existing = await db().user.findUnique({ where: { username: input.username } });
  if (existing && existing.source !== "oidc") {
    // Never let an identity provider take over a local account that happens to share a username.
    throw new AppError("CONFLICT", `The username ${input.username} belongs to a local account.`);
  }
  if (existing?.disabledAt) throw new AppError("FORBIDDEN", "This account is disabled.");
  const data = {
    displayName: input.displayName,
    email: input.email,
    groups: input.groups,
    roles: normaliseRoles(input.roles),
    lastLoginAt: new Date(),
  };
  const user = await db().user.upsert({
    where: { username: input.username },
    create: { username: input.username, source: "oidc", ...data },
    update: data,
  });
  return toIdentity(user);
}

/** The current identity of a user id from a session: re-read so role changes and disabling apply at once. */
export async function loadIdentity(userId: string, claims: Identity["claims"] = {}): Promise<Identity | null> {
  // Plain SQL on the pool: every page and API call of a signed-in user starts here.
  const { rows } = await sqlPool().query<UserRow>(
    `SELECT id::text, username, display_name AS "displayName", email, groups, roles::text[] AS roles, source::text
     FROM users WHERE id = $1::uuid AND disabled_at IS NULL`,
    [userId],
  );
  return rows[0] ? toIdentity(rows[0], claims) : null;
}

export async function countUsers(): Promise<number> {
  return db().user.count();
}
