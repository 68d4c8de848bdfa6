import "server-only";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db/client";
import { userColumns, type UserRecord } from "@/lib/db/users";
import { roleOrigins, type RoleOrigin } from "@/lib/domain/accounts";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { toUserView, type UserView } from "./internal/accounts";

export interface UserDetail extends UserView {
  /** A local account with a password that works. */
  hasPassword: boolean;
  /** Its password is a one-time password its owner has not yet replaced with their own. */
  oneTimePassword: boolean;
  /** When the newest unused set-password link stops working, if there is one. */
  linkExpiresAt: string | null;
  /** For single sign-on accounts: where each role comes from (read-only here). */
  roleOrigins: RoleOrigin[] | null;
  /** The caller's own account: they may not demote or disable it. */
  isSelf: boolean;
}

/** One account for the admin's page. */
export async function getUser(identity: Identity | null, input: { username: string }): Promise<UserDetail> {
  assertCan(identity, "user:manage");
  const username = typeof input.username === "string" ? input.username.slice(0, 100) : "";
  const row = await db().user.findUnique({
    where: { username },
    select: { ...userColumns, passwordHash: true, passwordChangeRequired: true, passwordLinks: { where: { usedAt: null, expiresAt: { gt: new Date() } }, orderBy: { expiresAt: "desc" }, take: 1 } },
  });
  if (!row) throw new AppError("NOT_FOUND", `There is no account named ${username}.`);
  const { passwordHash, passwordChangeRequired, passwordLinks, ...user } = row;
  const config = getConfig();
  return {
    ...toUserView(user as UserRecord),
    hasPassword: passwordHash !== null,
    oneTimePassword: passwordHash !== null && passwordChangeRequired,
    linkExpiresAt: passwordLinks[0]?.expiresAt.toISOString() ?? null,
    roleOrigins: user.source === "oidc" ? roleOrigins(user, { ...config.roleGroups, rolesClaim: config.oidc?.claims.roles }) : null,
    isSelf: user.id === identity.userId,
  };
}
