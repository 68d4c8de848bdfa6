import "server-only";
import { dummyHash, verifyPassword } from "@/lib/auth/passwords";
import { recordAudit, type AuditEntry } from "@/lib/db/audit";
import { db, sqlPool } from "@/lib/db/client";
import { beginSignInAttempt, clearSignInAttempts, recordSignInFailure } from "@/lib/db/sign-in-attempts";
import { credentialsSchema } from "@/lib/domain/credentials";
import { AppError } from "@/lib/domain/errors";
import { normaliseRoles, type Identity, type Role } from "@/lib/domain/identity";
import { NO_ORIGIN, throttleKeyOf, type RequestOrigin } from "@/lib/domain/request-origin";
import { decideThrottle, SignInThrottledError } from "@/lib/domain/sign-in-throttle";
import { findNul } from "@/lib/domain/text";

export type UserRow = {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  groups: string[];
  roles: Role[];
  source: "local" | "oidc";
  /** Read for sessions only (loadIdentity, a password sign-in); a token's identity never carries it. */
  passwordChangeRequired?: boolean;
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
    ...(user.passwordChangeRequired && { passwordChangeRequired: true as const }),
  };
}

/**
 * Signing in: checking a local password, mirroring an identity provider's user, and re-reading the user of a
 * session or token. These run before anyone is known, so they check no permission; only lib/auth and the
 * API's token check call them.
 */

/** Why a local sign-in failed, for the audit trail only: the person signing in is never told which. */
type FailureReason = "unknown account" | "wrong password" | "disabled account" | "single sign-on account" | "local account";

/**
 * Checks a local username and password, throttled (lib/domain/sign-in-throttle.ts): a username or an address
 * with too many recent failures is refused with SignInThrottledError before any password is checked, and
 * so is the failure that reaches the limit. Returns null for every other kind of failure (bad input, unknown
 * user, disabled user, wrong password) so callers cannot tell which, and spends the same hashing and the
 * same writes on each. Every outcome but bad input is audited with `origin`: a success, each failure, and
 * each lock-out as it begins (attempts refused while locked out are not: they would let anyone fill the trail
 * at no cost).
 */
export async function verifyLocalCredentials(input: unknown, origin: RequestOrigin = NO_ORIGIN): Promise<Identity | null> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success || findNul(parsed.data.username)) return null;
  const username = parsed.data.username.toLowerCase();
  const user = await checkPassword(username, parsed.data.password, origin, "sign-in");
  if (!user) return null;
  const identity = toIdentity(user);
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
    await clearSignInAttempts(tx, username);
    await recordAudit(tx, { actor: { ...identity, origin }, action: "signin.success", objectType: "account", objectId: username, after: { method: "password" } });
  });
  return identity;
}

/**
 * The password check behind a sign-in and behind changing one's own password, under the same throttle and
 * with the same audit of failures (`during` says which): the user when the password is theirs, null after a
 * recorded failure, SignInThrottledError when too many failed. What to do on success is the caller's.
 */
export async function checkPassword(username: string, password: string, origin: RequestOrigin, during: "sign-in" | "password change") {
  const keys = { username, addressKey: throttleKeyOf(origin.address) };
  const { decision, attemptId } = await beginSignInAttempt(keys, (counts) => decideThrottle(counts, counts.now));
  if (decision.locked) throw new SignInThrottledError(decision.retryAfterSeconds);

  const user = await db().user.findUnique({ where: { username } });
  const usable = user && user.source === "local" && user.passwordHash && !user.disabledAt;
  const matches = await verifyPassword(password, usable ? user.passwordHash! : await dummyHash);
  if (usable && matches) return user;
  const reason: FailureReason = !user ? "unknown account" : user.source !== "local" || !user.passwordHash ? "single sign-on account" : user.disabledAt ? "disabled account" : "wrong password";
  const actor = { claimedUsername: username, origin };
  const counts = await recordSignInFailure(attemptId!, keys, (counts) => {
    const entries: AuditEntry[] = [
      { actor, action: "signin.fail", objectType: "account", objectId: username, after: { reason, failures: counts.account.failures, ...(during !== "sign-in" && { during }) } },
    ];
    const lockout = decideThrottle(counts, counts.now);
    if (lockout.locked) {
      const scope = lockout.scope === "account" ? { objectType: "account", objectId: username } : { objectType: "address", objectId: keys.addressKey };
      entries.push({ actor, action: "signin.lockout", ...scope, after: { failures: counts[lockout.scope]!.failures, waitSeconds: lockout.retryAfterSeconds, until: lockout.until.toISOString() } });
    }
    return entries;
  });
  const lockout = decideThrottle(counts, counts.now);
  if (lockout.locked) throw new SignInThrottledError(lockout.retryAfterSeconds);
  return null;
}

/**
 * Mirrors an OIDC user at sign-in; the provider stays the authority on roles and groups. The sign-in is
 * audited with `origin`, and so is a refusal.
 */
export async function upsertOidcUser(
  input: {
    username: string;
    displayName: string | null;
    email: string | null;
    groups: string[];
    roles: Role[];
  },
  origin: RequestOrigin = NO_ORIGIN,
): Promise<Identity> {
  const existing = await db().user.findUnique({ where: { username: input.username } });
  const refuse = async (reason: FailureReason, error: AppError) => {
    await recordAudit(db(), { actor: { claimedUsername: input.username, origin }, action: "signin.fail", objectType: "account", objectId: input.username, after: { reason, method: "oidc" } });
    return error;
  };
  if (existing && existing.source !== "oidc") {
    // Never let an identity provider take over a local account that happens to share a username.
    throw await refuse("local account", new AppError("CONFLICT", `The username ${input.username} belongs to a local account.`));
  }
  if (existing?.disabledAt) throw await refuse("disabled account", new AppError("FORBIDDEN", "This account is disabled."));
  const data = {
    displayName: input.displayName,
    email: input.email,
    groups: input.groups,
    roles: normaliseRoles(input.roles),
    lastLoginAt: new Date(),
  };
  return db().$transaction(async (tx) => {
    const user = await tx.user.upsert({
      where: { username: input.username },
      create: { username: input.username, source: "oidc", ...data },
      update: data,
    });
    const identity = toIdentity(user);
    await recordAudit(tx, { actor: { ...identity, origin }, action: "signin.success", objectType: "account", objectId: input.username, after: { method: "oidc", created: !existing } });
    return identity;
  });
}

/** The current identity of a user id from a session: re-read so role changes and disabling apply at once. */
export async function loadIdentity(userId: string, claims: Identity["claims"] = {}): Promise<Identity | null> {
  // Plain SQL on the pool: every page and API call of a signed-in user starts here.
  const { rows } = await sqlPool().query<UserRow>(
    `SELECT id::text, username, display_name AS "displayName", email, groups, roles::text[] AS roles, source::text,
            password_change_required AS "passwordChangeRequired"
     FROM users WHERE id = $1::uuid AND disabled_at IS NULL`,
    [userId],
  );
  return rows[0] ? toIdentity(rows[0], claims) : null;
}

export async function countUsers(): Promise<number> {
  return db().user.count();
}
