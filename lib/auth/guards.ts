import "server-only";
import { forbidden, redirect } from "next/navigation";
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
