import { AppError } from "./errors";
import type { Identity, Role } from "./identity";

/**
 * What each role may do. Pages use `can` to decide what to show; services call `assertCan` before acting,
 * because a server action or route handler is a public endpoint whatever the UI shows.
 */
const GRANTS = {
  "catalog:view": "student",
  "instance:launch": "student",
  "instance:manage-any": "admin",
  // Raw engine and Flux messages with their fix, where students get plain words.
  "instance:diagnose": "teacher",
  "teach:view": "teacher",
  "catalog:manage": "teacher",
  // Classes: a teacher creates them and runs the ones they teach (lib/services/classes/internal/scope.ts);
  // anyone signed in may join one with its code.
  "class:manage": "teacher",
  "class:join": "student",
  // Class templates: a teacher makes their own from a base an admin opened to teachers (admins: every one).
  "class-template:manage": "teacher",
  "admin:view": "admin",
  "template:edit": "admin",
  "settings:edit": "admin",
  "user:manage": "admin",
  "audit:view": "admin",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof GRANTS;

/** Whether the caller holds a permission; a caller who must first choose their own password holds none. */
export function can(identity: Identity | null | undefined, permission: Permission): boolean {
  return identity != null && !identity.passwordChangeRequired && identity.roles.includes(GRANTS[permission]);
}

export const PASSWORD_CHANGE_FIRST = "Choose your own password first (Account, Password): the one you were given works only for that.";

/** Throws UNAUTHENTICATED without an identity and FORBIDDEN without the permission. */
export function assertCan(identity: Identity | null | undefined, permission: Permission): asserts identity is Identity {
  if (!identity) throw new AppError("UNAUTHENTICATED", "Please sign in first.");
  if (identity.passwordChangeRequired) throw new AppError("FORBIDDEN", PASSWORD_CHANGE_FIRST);
  if (!can(identity, permission)) throw new AppError("FORBIDDEN", "You do not have permission to do that.");
}
