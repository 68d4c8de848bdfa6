import "server-only";
import { hashPassword } from "@/lib/auth/passwords";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { localUsernameSchema } from "@/lib/domain/credentials";
import { AppError } from "@/lib/domain/errors";
import { normaliseRoles, type Identity, type Role } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { findNul } from "@/lib/domain/text";
import { toIdentity } from "./internal/sign-in";

/** Creates or updates a local account (the demo seed, tests, the admin area). */
export async function upsertLocalUser(identity: Identity | null, input: {
  username: string;
  password: string;
  roles: Role[];
  displayName?: string;
  email?: string;
  groups?: string[];
}): Promise<Identity> {
  assertCan(identity, "user:manage");
  const nul = findNul(input);
  if (nul) throw new AppError("INVALID_INPUT", `${nul} must not contain a NUL character.`);
  const username = localUsernameSchema.safeParse(input.username);
  if (!username.success) throw new AppError("INVALID_INPUT", `Invalid username: ${username.error.issues[0]?.message}`);
  const passwordHash = await hashPassword(input.password);
  const data = {
    passwordHash,
    // A password given here is the account's own (the demo's, the tests'): nothing to change first.
    passwordChangeRequired: false,
    roles: normaliseRoles(input.roles),
    displayName: input.displayName ?? null,
    email: input.email ?? null,
    groups: input.groups ?? [],
  };
  const user = await db().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { username: username.data } });
    if (before && before.source !== "local") throw new AppError("CONFLICT", `The username ${username.data} belongs to a single sign-on account.`);
    const user = await tx.user.upsert({ where: { username: username.data }, create: { username: username.data, source: "local", ...data }, update: data });
    const shown = (u: typeof user) => ({ displayName: u.displayName, email: u.email, groups: u.groups, roles: u.roles });
    await recordAudit(tx, {
      actor: identity,
      action: before ? "user.update" : "user.create",
      objectType: "user",
      objectId: user.id,
      before: before && shown(before),
      after: shown(user),
    });
    return user;
  });
  return toIdentity(user);
}

