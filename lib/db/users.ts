import "server-only";
import { createHash } from "node:crypto";
import { signInSince, type UserFilter } from "@/lib/domain/accounts";
import type { Role } from "@/lib/domain/identity";
import { db, type Prisma } from "./client";

/** Users as the admin area reads them: never the password hash, only whether there is one. */
export const userColumns = {
  id: true,
  username: true,
  displayName: true,
  email: true,
  source: true,
  roles: true,
  groups: true,
  disabledAt: true,
  lastLoginAt: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.UserSelect;

export type UserRecord = Prisma.UserGetPayload<{ select: typeof userColumns }> & { roles: Role[] };

type Client = Pick<Prisma.TransactionClient, "user" | "passwordLink" | "$queryRaw">;

function filterWhere(filter: UserFilter, now: Date): Prisma.UserWhereInput {
  const and: Prisma.UserWhereInput[] = [];
  if (filter.q) {
    // Prisma hands `contains` to LIKE as it is: its wildcards are escaped, so "%" or "_" match only themselves.
    const contains = { contains: filter.q.replace(/[\\%_]/g, "\\$&"), mode: "insensitive" as const };
    and.push({ OR: [{ username: contains }, { displayName: contains }, { email: contains }] });
  }
  if (filter.role) and.push({ roles: { has: filter.role } });
  if (filter.source) and.push({ source: filter.source });
  if (filter.status) and.push({ disabledAt: filter.status === "disabled" ? { not: null } : null });
  if (filter.signIn === "never") and.push({ lastLoginAt: null });
  else if (filter.signIn === "older") and.push({ lastLoginAt: { lt: signInSince("older", now)! } });
  else if (filter.signIn) and.push({ lastLoginAt: { gte: signInSince(filter.signIn, now)! } });
  return { AND: and };
}

/** The users a filter matches, by username, at most `limit` of them, with how many match and exist. */
export async function listUsers(filter: UserFilter, now: Date, limit: number): Promise<{ rows: UserRecord[]; matching: number; total: number }> {
  const where = filterWhere(filter, now);
  const [rows, matching, total] = await Promise.all([
    db().user.findMany({ where, select: userColumns, orderBy: { username: "asc" }, take: limit }),
    db().user.count({ where }),
    db().user.count(),
  ]);
  return { rows: rows as UserRecord[], matching, total };
}

export async function findUser(client: Client, username: string): Promise<UserRecord | null> {
  return (await client.user.findUnique({ where: { username }, select: userColumns })) as UserRecord | null;
}

/**
 * Locks every admin who can sign in (in id order, so concurrent changes queue instead of deadlocking) and
 * counts them: two admins demoting each other at once cannot both see the other as "one more admin".
 */
export async function lockActiveAdmins(client: Client): Promise<number> {
  const rows = await client.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE 'admin' = ANY(roles) AND disabled_at IS NULL ORDER BY id FOR UPDATE`;
  return rows.length;
}

/** The usernames of `names` that exist already, each with its source. */
export async function existingUsernames(client: Client, names: string[]): Promise<Map<string, "local" | "oidc">> {
  if (names.length === 0) return new Map();
  const rows = await client.user.findMany({ where: { username: { in: names } }, select: { username: true, source: true } });
  return new Map(rows.map((row) => [row.username, row.source]));
}

export function hashLinkSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Stores a new set-password link for a user; their earlier links stop working. */
export async function storePasswordLink(client: Client, link: { userId: string; secret: string; expiresAt: Date; createdById: string | null }): Promise<void> {
  await client.passwordLink.updateMany({ where: { userId: link.userId, usedAt: null }, data: { usedAt: new Date() } });
  await client.passwordLink.create({ data: { userId: link.userId, tokenHash: hashLinkSecret(link.secret), expiresAt: link.expiresAt, createdById: link.createdById } });
}

/** Ends every unused link of a user: a password was set some other way, or the account was disabled. */
export async function endPasswordLinks(client: Client, userId: string): Promise<void> {
  await client.passwordLink.updateMany({ where: { userId, usedAt: null }, data: { usedAt: new Date() } });
}

/** The link of a secret if it can still be used (unused, unexpired, of an enabled local account), locked. */
export async function lockUsableLink(client: Client, secret: string): Promise<{ id: string; userId: string; username: string } | null> {
  const rows = await client.$queryRaw<{ id: string; userId: string; username: string }[]>`
    SELECT l.id::text, l.user_id::text AS "userId", u.username
    FROM password_links l JOIN users u ON u.id = l.user_id
    WHERE l.token_hash = ${hashLinkSecret(secret)} AND l.used_at IS NULL AND l.expires_at > now()
      AND u.disabled_at IS NULL AND u.source = 'local'
    FOR UPDATE OF l`;
  return rows[0] ?? null;
}
