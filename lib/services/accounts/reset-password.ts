import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { endPasswordLinks, findUser } from "@/lib/db/users";
import { deliverySchema } from "@/lib/domain/accounts";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { issueCredential, type Credential } from "./internal/accounts";
import { parseInput, usernameParam } from "./internal/input";

const resetSchema = z.object({ username: usernameParam, delivery: deliverySchema }).strict();

/**
 * Gives a local account a new one-time password, or a set-password link valid for a day. The old password
 * stops working at once either way (with a link, no password works until the link is used), and older
 * links end. The audit trail records how the password was handed over, never the password.
 */
export async function resetPassword(identity: Identity | null, input: unknown): Promise<{ username: string; credential: Credential }> {
  assertCan(identity, "user:manage");
  const { username, delivery } = parseInput(resetSchema, input);
  return db().$transaction(async (tx) => {
    const user = await findUser(tx, username);
    if (!user) throw new AppError("NOT_FOUND", `There is no account named ${username}.`);
    if (user.source !== "local") throw new AppError("CONFLICT", "A single sign-on account has no password here: its owner signs in through the identity provider.");
    if (user.disabledAt) throw new AppError("CONFLICT", "This account is disabled: enable it first.");
    await endPasswordLinks(tx, user.id);
    const { passwordHash, passwordChangeRequired, credential } = await issueCredential(tx, user, delivery, identity);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangeRequired } });
    await recordAudit(tx, {
      actor: identity,
      action: "user.password-reset",
      objectType: "user",
      objectId: user.id,
      after: { username, password: delivery === "link" ? "set-password link" : "one-time password" },
    });
    return { username, credential };
  });
}
