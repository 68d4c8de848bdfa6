import "server-only";
import { randomBytes } from "node:crypto";
import { generatePassword, hashPassword } from "@/lib/auth/passwords";
import { getConfig } from "@/lib/config";
import type { Prisma } from "@/lib/db/client";
import { storePasswordLink, type UserRecord } from "@/lib/db/users";
import type { Credential, CredentialDelivery } from "@/lib/domain/accounts";
import type { Identity } from "@/lib/domain/identity";

/**
 * What the account use cases share: how a password is handed over (a one-time password shown once, or a
 * set-password link valid for a day), and an account as the admin area and the audit trail show it. Never a
 * password or its hash: the audit trail records how a password was handed over, not what it is.
 */

export const PASSWORD_LINK_HOURS = 24;

export type { Credential };

/** The path of the set-password page; the proxy lets it through without a session, like sign-in. */
export const SET_PASSWORD_PATH = "/signin/set-password";

/**
 * A new credential for an account: the password hash to store (null for a link: no password works until the
 * link is used), whether its owner must change it at once (a one-time password: an admin has seen it), and
 * what to show the admin. A link is stored at once, ending the account's older links.
 */
export async function issueCredential(
  tx: Prisma.TransactionClient,
  user: { id: string },
  delivery: CredentialDelivery,
  actor: Identity,
): Promise<{ passwordHash: string | null; passwordChangeRequired: boolean; credential: Credential }> {
  if (delivery === "password") {
    const password = generatePassword();
    return { passwordHash: await hashPassword(password), passwordChangeRequired: true, credential: { delivery, password } };
  }
  const secret = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + PASSWORD_LINK_HOURS * 3_600_000);
  await storePasswordLink(tx, { userId: user.id, secret, expiresAt, createdById: actor.source === "system" ? null : actor.userId });
  const url = new URL(SET_PASSWORD_PATH, getConfig().publicUrl);
  // In the fragment-free query: the page reads it, and the Referrer-Policy keeps it on this origin.
  url.searchParams.set("token", secret);
  return { passwordHash: null, passwordChangeRequired: false, credential: { delivery, url: url.toString(), expiresAt: expiresAt.toISOString() } };
}

/** An account as the audit trail records it, before or after a change. */
export function auditedUser(user: Pick<UserRecord, "username" | "displayName" | "email" | "roles" | "groups" | "disabledAt" | "source">) {
  return {
    username: user.username,
    source: user.source,
    displayName: user.displayName,
    email: user.email,
    roles: user.roles,
    groups: user.groups,
    disabled: user.disabledAt !== null,
  };
}

/** An account as the admin pages show it. */
export interface UserView {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  source: "local" | "oidc";
  roles: ("student" | "teacher" | "admin")[];
  groups: string[];
  disabledAt: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

export function toUserView(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    source: user.source,
    roles: user.roles,
    groups: user.groups,
    disabledAt: user.disabledAt?.toISOString() ?? null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}
