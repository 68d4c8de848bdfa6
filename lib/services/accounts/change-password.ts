import "server-only";
import { z } from "zod";
import { hashPassword } from "@/lib/auth/passwords";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { clearSignInAttempts } from "@/lib/db/sign-in-attempts";
import { newPasswordSchema, PASSWORDS_DIFFER } from "@/lib/domain/accounts";
import { PASSWORD_MAX } from "@/lib/domain/credentials";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { NO_ORIGIN } from "@/lib/domain/request-origin";
import { SignInThrottledError, throttleMessage } from "@/lib/domain/sign-in-throttle";
import { parseInput } from "./internal/input";
import { checkPassword } from "./internal/sign-in";

export const WRONG_CURRENT_PASSWORD = "This is not your current password.";

const changeSchema = z
  .object({
    current: z.string({ error: "Enter your current password." }).min(1, "Enter your current password.").max(PASSWORD_MAX, WRONG_CURRENT_PASSWORD),
    password: newPasswordSchema,
    confirm: z.string({ error: "Type the new password again." }).max(PASSWORD_MAX),
  })
  .strict()
  .refine((input) => input.password === input.confirm, { path: ["confirm"], error: PASSWORDS_DIFFER })
  .refine((input) => input.password !== input.current, { path: ["password"], error: "Choose a password other than the one you have." });

/**
 * A signed-in local account changes its own password, proving it knows the current one. That proof goes
 * through sign-in's throttle and its audit of failures, so a session left open cannot be used to guess the
 * password at leisure. Success ends the duty to change a one-time password; sessions stay signed in. Needs
 * no permission: it is what a caller who must change a one-time password may still do
 * (lib/domain/permissions.ts).
 */
export async function changePassword(identity: Identity | null, input: unknown): Promise<{ username: string }> {
  if (!identity) throw new AppError("UNAUTHENTICATED", "Please sign in first.");
  if (identity.source !== "local") throw new AppError("CONFLICT", "Your password is kept by your organisation's single sign-on, not by Envdeck: change it there.");
  const { current, password } = parseInput(changeSchema, input);
  let user: Awaited<ReturnType<typeof checkPassword>>;
  try {
    user = await checkPassword(identity.username, current, identity.origin ?? NO_ORIGIN, "password change");
  } catch (error) {
    if (error instanceof SignInThrottledError) throw new AppError("RATE_LIMITED", throttleMessage(error.retryAfterSeconds));
    throw error;
  }
  // The account a session names is the one whose password was checked, unless it was renamed meanwhile.
  if (!user || user.id !== identity.userId) throw new AppError("INVALID_INPUT", WRONG_CURRENT_PASSWORD, { current: [WRONG_CURRENT_PASSWORD] });
  const passwordHash = await hashPassword(password);
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangeRequired: false } });
    await clearSignInAttempts(tx, user.username);
    await recordAudit(tx, {
      actor: identity,
      action: "user.password-change",
      objectType: "user",
      objectId: user.id,
      after: { username: user.username, password: user.passwordChangeRequired ? "chose their own for a one-time password" : "changed by its owner" },
    });
  });
  return { username: user.username };
}
