import "server-only";
import { forbidden, notFound, redirect } from "next/navigation";
import { isAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { can, type Permission } from "@/lib/domain/permissions";
import { getIdentity } from "./session";

/**
 * For pages: the caller's identity if they hold `permission`; otherwise a redirect to sign-in (signed out) or
 * the 403 page (signed in). Services still check again: this only decides what a page renders.
 */
export async function requirePagePermission(permission: Permission, path: string): Promise<Identity> {
  const identity = await getIdentity();
  if (!identity) redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
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
