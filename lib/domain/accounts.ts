import { z } from "zod";
import { localUsernameSchema, PASSWORD_MAX, USERNAME_MAX } from "./credentials";
import { normaliseRoles, ROLES, type Role } from "./identity";

/**
 * Accounts as admins manage them (docs/architecture.md, "Accounts"): the fields of a local account, the
 * filters of the user list, where an OIDC user's roles come from, and the rule that keeps an admin who can
 * sign in. Pure: one schema for the forms in the browser and the use cases on the server.
 */

export const MAX_ACCOUNT_DISPLAY_NAME = 200;
export const MAX_EMAIL = 320;
export const MAX_GROUPS = 50;
export const MAX_GROUP_NAME = 100;
export const MIN_PASSWORD = 10;

/** Control characters, line separators and bidirectional controls: none belongs in a one-line name. */
const NOT_ON_A_LINE = /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
export const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/;

/** A username as typed, as stored: trimmed and lowercase, as sign-in reads it. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** What is wrong with a (normalised) username for a new local account, or null. */
export function usernameProblem(username: string): string | null {
  if (username === "") return "Enter a username.";
  if (username.length > USERNAME_MAX) return `At most ${USERNAME_MAX} characters.`;
  if (!localUsernameSchema.safeParse(username).success) return "Use lowercase letters, digits, '.', '-' or '_', starting with a letter or digit.";
  return null;
}

/** What is wrong with a display name, or null. */
export function displayNameProblem(name: string): string | null {
  if (name.length > MAX_ACCOUNT_DISPLAY_NAME) return `At most ${MAX_ACCOUNT_DISPLAY_NAME} characters.`;
  if (NOT_ON_A_LINE.test(name)) return "Use printable characters only: no line breaks, tabs or control characters.";
  return null;
}

/** What is wrong with an email address (empty is fine), or null. */
export function emailProblem(email: string): string | null {
  if (email === "") return null;
  if (email.length > MAX_EMAIL) return `At most ${MAX_EMAIL} characters.`;
  return z.email().safeParse(email).success ? null : "Enter an email address like ana@example.edu, or leave it empty.";
}

/** Groups typed as text: separated by commas, semicolons, spaces or line breaks. */
export function splitGroups(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

/** What is wrong with a list of groups, or null. */
export function groupsProblem(groups: string[]): string | null {
  if (groups.length > MAX_GROUPS) return `At most ${MAX_GROUPS} groups.`;
  const bad = groups.find((group) => group.length > MAX_GROUP_NAME || !GROUP_NAME.test(group));
  if (bad !== undefined) {
    const shown = bad.length > 40 ? `${bad.slice(0, 40)}…` : bad;
    return `"${shown}" is not a group name: at most ${MAX_GROUP_NAME} letters, digits and . _ : @ / -, starting with a letter or digit.`;
  }
  return null;
}

/** The role named by a word (any case), or null. */
export function roleOf(word: string): Role | null {
  const lower = word.trim().toLowerCase();
  return (ROLES as readonly string[]).includes(lower) ? (lower as Role) : null;
}

const typed = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? "Required." : what) });
const text = (what = "Enter text.") => z.string(typed(what));
const checked = (problem: (value: string) => string | null) =>
  text().superRefine((value, ctx) => {
    const found = problem(value);
    if (found) ctx.addIssue({ code: "custom", message: found });
  });

/** The fields an admin edits on a local account; empty display name and email are stored as null. */
export const accountFieldsSchema = z
  .object({
    displayName: z
      .string(typed("Enter text."))
      .transform((value) => value.trim())
      .pipe(checked(displayNameProblem))
      .transform((value) => value || null),
    email: z
      .string(typed("Enter text."))
      .transform((value) => value.trim())
      .pipe(checked(emailProblem))
      .transform((value) => value || null),
    groups: z
      .string(typed("Enter the groups as text."))
      .max(MAX_GROUPS * (MAX_GROUP_NAME + 1), { error: "Too many groups." })
      .transform(splitGroups)
      .pipe(z.array(z.string()).superRefine((groups, ctx) => {
        const found = groupsProblem(groups);
        if (found) ctx.addIssue({ code: "custom", message: found });
      }))
      .transform((groups) => [...new Set(groups)]),
    roles: z
      .array(z.enum(ROLES, { error: "Choose student, teacher or admin." }), typed("Choose the roles as a list."))
      .max(ROLES.length, { error: "Choose student, teacher or admin." })
      .transform((roles) => normaliseRoles(roles)),
  })
  .strict();
export type AccountFields = z.output<typeof accountFieldsSchema>;
export type AccountFieldsInput = z.input<typeof accountFieldsSchema>;

/** How the person behind a new or reset account gets their password. */
export const CREDENTIAL_DELIVERIES = ["password", "link"] as const;
export type CredentialDelivery = (typeof CREDENTIAL_DELIVERIES)[number];
/** How the person gets in: shown once to the admin who created or reset the account, never stored. */
export type Credential = { delivery: "password"; password: string } | { delivery: "link"; url: string; expiresAt: string };

export const deliverySchema = z.enum(CREDENTIAL_DELIVERIES, { error: "Choose a one-time password or a set-password link." });

export const newAccountSchema = accountFieldsSchema.extend({
  username: z
    .string(typed("Enter a username."))
    .transform(normaliseUsername)
    .pipe(checked(usernameProblem)),
  delivery: deliverySchema,
});
export type NewAccount = z.output<typeof newAccountSchema>;

/** A password a person chooses: long enough to resist guessing, short enough to hash. */
export const newPasswordSchema = z
  .string(typed("Enter a password."))
  .min(MIN_PASSWORD, { error: `At least ${MIN_PASSWORD} characters.` })
  .max(PASSWORD_MAX, { error: `At most ${PASSWORD_MAX} characters.` })
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), { error: "Use printable characters only." });

/** Said at the repetition of a new password that does not match it, by the browser and the server alike. */
export const PASSWORDS_DIFFER = "The two passwords differ.";

/** The first problem of a new password by the rule the server applies, or null: for the browser's own check. */
export function checkNewPassword(password: string): string | null {
  const result = newPasswordSchema.safeParse(password);
  return result.success ? null : result.error.issues[0]!.message;
}

/** Sign-in recency in the user list's filter. */
export const SIGN_IN_FILTERS = ["never", "week", "month", "older"] as const;
export type SignInFilter = (typeof SIGN_IN_FILTERS)[number];
export const SIGN_IN_WORDS: Record<SignInFilter, string> = {
  never: "Never signed in",
  week: "In the last 7 days",
  month: "In the last 30 days",
  older: "More than 30 days ago",
};

export interface UserFilter {
  /** Part of a username, display name or email. */
  q: string;
  role: Role | null;
  source: "local" | "oidc" | null;
  status: "enabled" | "disabled" | null;
  signIn: SignInFilter | null;
}

export const MAX_USER_SEARCH = 100;

const one = (value: string | string[] | undefined): string => (typeof value === "string" ? value : "");
const pick = <T extends string>(value: string, choices: readonly T[]): T | null => ((choices as readonly string[]).includes(value) ? (value as T) : null);

/** The filter of a query string; unknown values are ignored rather than refused, as a link may be old. */
export function parseUserFilter(params: Record<string, string | string[] | undefined>): UserFilter {
  return {
    q: one(params.q).replace(/[\p{Cc}]/gu, "").trim().slice(0, MAX_USER_SEARCH),
    role: pick(one(params.role), ROLES),
    source: pick(one(params.source), ["local", "oidc"] as const),
    status: pick(one(params.status), ["enabled", "disabled"] as const),
    signIn: pick(one(params.signIn), SIGN_IN_FILTERS),
  };
}

export function isUserListNarrowed(filter: UserFilter): boolean {
  return Boolean(filter.q || filter.role || filter.source || filter.status || filter.signIn);
}

export function userListHref(filter: Partial<UserFilter>): string {
  const query = new URLSearchParams();
  for (const key of ["q", "role", "source", "status", "signIn"] as const) {
    const value = filter[key];
    if (value) query.set(key, value);
  }
  const text = query.toString();
  return text ? `/admin/users?${text}` : "/admin/users";
}

/** Since when a sign-in counts as recent for a filter, relative to `now`. */
export function signInSince(filter: SignInFilter, now: Date): Date | null {
  const days = filter === "week" ? 7 : filter === "month" || filter === "older" ? 30 : null;
  return days === null ? null : new Date(now.getTime() - days * 86_400_000);
}

/** How an identity provider's user got a role, for the read-only view of a single sign-on account. */
export interface RoleOrigin {
  role: Role;
  from: string;
}

/**
 * Where each role of an OIDC user comes from, as the sign-in that mirrored it decided (lib/domain/identity.ts,
 * rolesFromClaims): membership of a configured group, else the roles claim when one is configured.
 */
export function roleOrigins(user: { roles: Role[]; groups: string[] }, mapping: { admin: string[]; teacher: string[]; rolesClaim?: string }): RoleOrigin[] {
  const viaGroup = (role: "admin" | "teacher") => {
    const groups = user.groups.filter((group) => mapping[role].includes(group));
    return groups.length ? `group ${groups.map((g) => `"${g}"`).join(", ")}` : null;
  };
  const claim = mapping.rolesClaim ? `the "${mapping.rolesClaim}" claim` : "the identity provider at the last sign-in";
  return normaliseRoles(user.roles).map((role) => {
    if (role === "student") return { role, from: "every account" };
    const group = viaGroup(role);
    if (group) return { role, from: group };
    if (role === "teacher" && user.roles.includes("admin")) return { role, from: "implied by admin" };
    return { role, from: claim };
  });
}

/** An account before and after a change, as the last-admin rule reads it. */
export interface AdminChange {
  actorId: string;
  targetId: string;
  /** The target is an admin who can sign in now. */
  wasActiveAdmin: boolean;
  /** …and still will be after the change. */
  staysActiveAdmin: boolean;
  /** Admins who can sign in now, the target included. */
  activeAdmins: number;
}

export const SELF_ADMIN_MESSAGE = "You cannot remove your own admin role or disable your own account: another admin must do it, so the portal always keeps an admin who can sign in.";
export const LAST_ADMIN_MESSAGE = "This is the last admin who can sign in: make another account an admin first.";

/**
 * Why a change would lock admins out, or null. Nobody demotes or disables themselves (they would lose the
 * page they are on, and two admins doing it at once could leave none), and the last admin who can sign in
 * is never demoted or disabled by anyone.
 */
export function adminChangeProblem(change: AdminChange): string | null {
  if (!change.wasActiveAdmin || change.staysActiveAdmin) return null;
  if (change.actorId === change.targetId) return SELF_ADMIN_MESSAGE;
  if (change.activeAdmins <= 1) return LAST_ADMIN_MESSAGE;
  return null;
}
