import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { findUser, lockActiveAdmins, userColumns, type UserRecord } from "@/lib/db/users";
import { accountFieldsSchema, adminChangeProblem, type AccountFields } from "@/lib/domain/accounts";
import { AppError } from "@/lib/domain/errors";
import { normaliseRoles, type Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { auditedUser, toUserView, type UserView } from "./internal/accounts";
import { parseInput, usernameParam } from "./internal/input";

const updateSchema = z.object({ username: usernameParam, fields: accountFieldsSchema }).strict();

export type AccountFieldName = keyof AccountFields;

/**
 * Changes a local account's display name, email, roles and groups. A single sign-on account's come from the
 * identity provider at each sign-in, so they are refused here; nobody removes their own admin role, and the
 * last admin keeps theirs.
 */
export async function updateUser(identity: Identity | null, input: unknown): Promise<{ changed: AccountFieldName[]; user: UserView }> {
  assertCan(identity, "user:manage");
  const { username, fields } = parseInput(updateSchema, input);
  return db().$transaction(async (tx) => {
    const activeAdmins = await lockActiveAdmins(tx);
    const before = await findUser(tx, username);
    if (!before) throw new AppError("NOT_FOUND", `There is no account named ${username}.`);
    if (before.source !== "local") {
      throw new AppError("CONFLICT", "A single sign-on account's name, email, roles and groups come from the identity provider at each sign-in: change them there.");
    }
    const current = { ...before, roles: normaliseRoles(before.roles) };
    const changed = (Object.keys(fields) as AccountFieldName[]).filter((key) => JSON.stringify(fields[key]) !== JSON.stringify(current[key]));
    if (changed.length === 0) return { changed, user: toUserView(before) };
    const active = before.disabledAt === null;
    const problem = adminChangeProblem({
      actorId: identity.userId,
      targetId: before.id,
      wasActiveAdmin: active && before.roles.includes("admin"),
      staysActiveAdmin: active && fields.roles.includes("admin"),
      activeAdmins,
    });
    if (problem) throw new AppError("CONFLICT", problem, { roles: [problem] });
    const after = (await tx.user.update({ where: { id: before.id }, data: fields, select: userColumns })) as UserRecord;
    await recordAudit(tx, { actor: identity, action: "user.update", objectType: "user", objectId: before.id, before: auditedUser(before), after: auditedUser(after) });
    return { changed, user: toUserView(after) };
  });
}
