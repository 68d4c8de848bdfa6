import "server-only";
import { forbidden, notFound, redirect } from "next/navigation";
import { isAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { can, type Permission } from "@/lib/domain/permissions";
import { getIdentity } from "./session";

/** Where a caller who must replace a one-time password goes first, and comes back to `path` from. */
export const CHANGE_PASSWORD_PATH = "/account/password";

/**
 * For pages anyone signed in may open: the caller's identity; otherwise a redirect to sign-in (signed out) or
 * to choosing their own password (signed in with a one-time password), each coming back to `path`.
 */
export async function requireSignedIn(path: string): Promise<Identity> {
  const identity = await getIdentity();
  if (!identity) redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  if (identity.passwordChangeRequired) redirect(`${CHANGE_PASSWORD_PATH}?callbackUrl=${encodeURIComponent(path)}`);
  return identity;
}

/**
 * For pages: the caller's identity if they hold `permission`; otherwise the redirects of `requireSignedIn`,
 * or the 403 page. Services still check again: this only decides what a page renders.
 */
export async function requirePagePermission(permission: Permission, path: string): Promise<Identity> {
  const identity = await requireSignedIn(path);
  if (!can(identity, permission)) forbidden();
  return identity;
}

/**
 * What a page loads through a service: NOT_FOUND becomes the 404 page and FORBIDDEN the 403 page; every other
 * error goes on to the error boundary.
 */
export async function pageData<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    if (isAppError(error) && error.code === "FORBIDDEN") forbidden();
    throw error;
  }
}
