"use server";

import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { createUser } from "@/lib/services/accounts/create-user";
import { importClassList } from "@/lib/services/accounts/import-class-list";
import { previewClassList } from "@/lib/services/accounts/preview-class-list";
import { resetPassword } from "@/lib/services/accounts/reset-password";
import { setUserDisabled } from "@/lib/services/accounts/set-user-disabled";
import { updateUser } from "@/lib/services/accounts/update-user";

// Form text is bounded here only against abuse; the use cases check each field's real rules and say which.
const short = z.string().max(1000);
const fields = { displayName: short, email: short, groups: z.string().max(10_000), roles: z.string().max(100) };
/** Roles arrive as one text of comma-separated names (the checked boxes); the use case checks each. */
const roleList = (text: string) => text.split(",").map((role) => role.trim()).filter(Boolean);
// A File from the form; the use case checks its size before reading it, and says so when it is not one.
const file = z.unknown().optional();

// No revalidatePath: every admin page is rendered per request (it reads the session), and each form shows
// its own outcome or moves on to the page that does.

export const createUserAction = withIdentity(z.object({ username: short, delivery: short, ...fields }), (identity, input) =>
  createUser(identity, { ...input, roles: roleList(input.roles) }),
);

export const updateUserAction = withIdentity(z.object({ username: short, ...fields }), (identity, { username, ...input }) =>
  updateUser(identity, { username, fields: { ...input, roles: roleList(input.roles) } }),
);

export const setUserDisabledAction = withIdentity(z.object({ username: short, disabled: z.enum(["true", "false"]) }), (identity, { username, disabled }) =>
  setUserDisabled(identity, { username, disabled: disabled === "true" }),
);

export const resetPasswordAction = withIdentity(z.object({ username: short, delivery: short }), (identity, input) => resetPassword(identity, input));

export const previewClassListAction = withIdentity(z.object({ file }), (identity, input) => previewClassList(identity, input));

export const importClassListAction = withIdentity(z.object({ file, delivery: short }), (identity, input) => importClassList(identity, input));
