import "server-only";
import { z } from "zod";
import { hashPassword } from "@/lib/auth/passwords";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { endPasswordLinks, lockUsableLink } from "@/lib/db/users";
import { newPasswordSchema, PASSWORDS_DIFFER } from "@/lib/domain/accounts";
import { AppError } from "@/lib/domain/errors";
import { PASSWORD_LINK_SECRET } from "./check-password-link";
import { parseInput } from "./internal/input";

const linkSchema = z
  .object({
    token: z.string({ error: "This link is not valid." }).regex(PASSWORD_LINK_SECRET, "This link is not valid."),
    password: newPasswordSchema,
    confirm: z.string({ error: "Type the password again." }).max(300),
  })
  .strict()
  .refine((input) => input.password === input.confirm, { path: ["confirm"], error: PASSWORDS_DIFFER });

export const UNUSABLE_LINK = "This link cannot be used: it was used already, it expired, or a newer one replaced it. Ask an admin for a new one.";

/**
 * Sets a local account's password with a set-password link, once. Public: the link's secret stands for the
 * caller, and is used up in the same transaction (with every other link of the account), so it works once.
 */
export async function setPasswordWithLink(input: unknown): Promise<{ username: string }> {
  const { token, password } = parseInput(linkSchema, input);
  const passwordHash = await hashPassword(password);
  return db().$transaction(async (tx) => {
    const link = await lockUsableLink(tx, token);
    if (!link) throw new AppError("FORBIDDEN", UNUSABLE_LINK);
    await endPasswordLinks(tx, link.userId);
    await tx.user.update({ where: { id: link.userId }, data: { passwordHash, passwordChangeRequired: false } });
    await recordAudit(tx, {
      actor: { userId: link.userId, username: link.username, displayName: link.username, email: null, groups: [], roles: [], claims: {}, source: "local" },
      action: "user.password-set",
      objectType: "user",
      objectId: link.userId,
      after: { username: link.username, password: "set with a link" },
    });
    return { username: link.username };
  });
}
