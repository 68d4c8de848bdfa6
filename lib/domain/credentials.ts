import { z } from "zod";

/** Limits on what the sign-in form accepts; anything outside them is refused before the database is asked. */
export const USERNAME_MAX = 63;
export const PASSWORD_MAX = 256;

export const credentialsSchema = z.object({
  username: z
    .string({ error: "Enter your username." })
    .trim()
    .min(1, "Enter your username.")
    .max(USERNAME_MAX, `Usernames are at most ${USERNAME_MAX} characters.`),
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(PASSWORD_MAX, `Passwords are at most ${PASSWORD_MAX} characters.`),
});
export type Credentials = z.infer<typeof credentialsSchema>;

/**
 * Local usernames: lowercase letters, digits, dot, dash and underscore, starting with a letter or digit, so
 * they are safe as owner keys and in URLs.
 */
export const localUsernameSchema = z
  .string()
  .min(1)
  .max(USERNAME_MAX)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "use lowercase letters, digits, '.', '-' or '_'");
