import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { endPasswordLinks, findUser, lockActiveAdmins, userColumns, type UserRecord } from "@/lib/db/users";
import { adminChangeProblem } from "@/lib/domain/accounts";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { auditedUser, toUserView, type UserView } from "./internal/accounts";
import { parseInput, usernameParam } from "./internal/input";

const disableSchema = z.object({ username: usernameParam, disabled: z.boolean({ error: "Say whether to disable (true) or enable (false)." }) }).strict();

/**
 * Disables or enables an account. A disabled account cannot sign in (locally or through the identity
 * provider), and its sessions and API tokens stop working at their next request, since every request re-reads
 * the account; its set-password links end. Nobody disables themselves, and the last admin stays enabled.
 */
export async function setUserDisabled(identity: Identity | null, input: unknown): Promise<{ changed: boolean; user: UserView }> {
  assertCan(identity, "user:manage");
  const { username, disabled } = parseInput(disableSchema, input);
  return db().$transaction(async (tx) => {
    const activeAdmins = await lockActiveAdmins(tx);
    const before = await findUser(tx, username);
    if (!before) throw new AppError("NOT_FOUND", `There is no account named ${username}.`);
    if ((before.disabledAt !== null) === disabled) return { changed: false, user: toUserView(before) };
    if (disabled) {
      const problem = adminChangeProblem({
        actorId: identity.userId,
        targetId: before.id,
        wasActiveAdmin: before.roles.includes("admin"),
        staysActiveAdmin: false,
        activeAdmins,
      });
      if (problem) throw new AppError("CONFLICT", problem);
      await endPasswordLinks(tx, before.id);
    }
    const after = (await tx.user.update({ where: { id: before.id }, data: { disabledAt: disabled ? new Date() : null }, select: userColumns })) as UserRecord;
    await recordAudit(tx, {
      actor: identity,
      action: disabled ? "user.disable" : "user.enable",
      objectType: "user",
      objectId: before.id,
      before: auditedUser(before),
      after: auditedUser(after),
    });
    return { changed: true, user: toUserView(after) };
  });
}
