"use server";

import { z } from "zod";
import { publicAction } from "@/lib/auth/actions";
import { setPasswordWithLink } from "@/lib/services/accounts/set-password-with-link";

/**
 * Sets a password with a set-password link. Nobody is signed in here: the link's secret is the only
 * credential, and the use case checks it (once, in the transaction that sets the password).
 */
export const setPasswordAction = publicAction(z.object({ token: z.string().max(200).default(""), password: z.string().max(1000).default(""), confirm: z.string().max(1000).default("") }), (input) =>
  setPasswordWithLink(input),
);
