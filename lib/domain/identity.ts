import type { RequestOrigin } from "./request-origin";

/** The three roles of Envdeck. Admin implies teacher; every signed-in user is at least a student. */
export const ROLES = ["student", "teacher", "admin"] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling: resolved from the session (or an API token) on every request, never trusted from input.
 * `claims` holds only the allow-listed claims of an OIDC user; tokens are never part of it.
 */
export interface Identity {
  userId: string;
  username: string;
  displayName: string;
  email: string | null;
  groups: string[];
  roles: Role[];
  claims: Record<string, string | string[]>;
  /** "system" is the portal itself (start-up seeding and validation), never a person signing in. */
  source: "local" | "oidc" | "system";
  /** Where the current request came from, for the audit trail; absent for the portal's and the worker's own work. */
  origin?: RequestOrigin;
  /**
   * A session of a local account signed in with a one-time password an admin handed over: it may do nothing
   * but choose its own password (lib/services/accounts/change-password.ts). API tokens never carry it.
   */
  passwordChangeRequired?: true;
}

/**
 * The portal acting on its own: seeding the demo on a first run, validating templates at start-up. It holds
 * every role, has no user row, and appears in the audit trail as "system".
 */
export const SYSTEM_IDENTITY: Identity = Object.freeze<Identity>({
  userId: "00000000-0000-0000-0000-000000000000",
  username: "system",
  displayName: "Envdeck",
  email: null,
  groups: [],
  roles: ["student", "teacher", "admin"],
  claims: {},
  source: "system",
});

/** Normalises a role list: known roles only, students always, teacher implied by admin, fixed order. */
export function normaliseRoles(roles: Iterable<string>): Role[] {
  const set = new Set<string>(roles);
  set.add("student");
  if (set.has("admin")) set.add("teacher");
  return ROLES.filter((role) => set.has(role));
}

/**
 * Roles of an OIDC user: from membership of the configured admin/teacher groups, plus any role names found in
 * the optional roles claim.
 */
export function rolesFromClaims(
  groups: string[],
  roleClaimValues: string[],
  roleGroups: { admin: string[]; teacher: string[] },
): Role[] {
  const roles: string[] = roleClaimValues.filter((value) => (ROLES as readonly string[]).includes(value));
  if (groups.some((g) => roleGroups.admin.includes(g))) roles.push("admin");
  if (groups.some((g) => roleGroups.teacher.includes(g))) roles.push("teacher");
  return normaliseRoles(roles);
}
