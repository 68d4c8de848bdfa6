"use server";

import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { changePassword } from "@/lib/services/accounts/change-password";

/** Changes the caller's own password; the use case checks the current one, under sign-in's throttle. */
export const changePasswordAction = withIdentity(
  z.object({ current: z.string().max(1000).default(""), password: z.string().max(1000).default(""), confirm: z.string().max(1000).default("") }),
  (identity, input) => changePassword(identity, input),
);
