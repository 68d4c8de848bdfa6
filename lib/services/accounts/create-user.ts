import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { userColumns, type UserRecord } from "@/lib/db/users";
import { newAccountSchema } from "@/lib/domain/accounts";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { auditedUser, issueCredential, type Credential } from "./internal/accounts";
import { parseInput } from "./internal/input";

/**
 * Creates a local account with a one-time password (returned once, to show) or a set-password link valid for
 * a day. Its roles and groups are the admin's to set; an identity provider's usernames are never taken over.
 */
export async function createUser(identity: Identity | null, input: unknown): Promise<{ username: string; credential: Credential }> {
  assertCan(identity, "user:manage");
  const account = parseInput(newAccountSchema, input);
  return db().$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { username: account.username }, select: { source: true } });
    if (existing) {
      const owner = existing.source === "oidc" ? "a single sign-on account" : "an account";
      throw new AppError("CONFLICT", `The username ${account.username} belongs to ${owner} already.`, { username: [`Taken by ${owner}.`] });
    }
    const { delivery, username, ...fields } = account;
    const created = await tx.user.create({ data: { username, source: "local", ...fields }, select: userColumns });
    const { passwordHash, passwordChangeRequired, credential } = await issueCredential(tx, created, delivery, identity);
    if (passwordHash) await tx.user.update({ where: { id: created.id }, data: { passwordHash, passwordChangeRequired } });
    await recordAudit(tx, {
      actor: identity,
      action: "user.create",
      objectType: "user",
      objectId: created.id,
      after: { ...auditedUser(created as UserRecord), password: delivery === "link" ? "set-password link" : "one-time password" },
    });
    return { username, credential };
  });
}
