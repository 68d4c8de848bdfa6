import "server-only";
import { db } from "@/lib/db/client";
import { hashLinkSecret } from "@/lib/db/users";

/** What the set-password page says about a link: whose it is, or that it cannot be used. */
export type PasswordLinkState = { usable: true; username: string; expiresAt: string } | { usable: false };

const SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * Whether a set-password link can still be used. Public: the link's secret is the caller's only credential,
 * so every kind of unusable link (mistyped, used, expired, of a disabled account) reads the same.
 */
export async function checkPasswordLink(input: { token: unknown }): Promise<PasswordLinkState> {
  if (typeof input.token !== "string" || !SECRET.test(input.token)) return { usable: false };
  const link = await db().passwordLink.findUnique({
    where: { tokenHash: hashLinkSecret(input.token) },
    select: { usedAt: true, expiresAt: true, user: { select: { username: true, disabledAt: true, source: true } } },
  });
  if (!link || link.usedAt || link.expiresAt <= new Date() || link.user.disabledAt || link.user.source !== "local") return { usable: false };
  return { usable: true, username: link.user.username, expiresAt: link.expiresAt.toISOString() };
}

export const PASSWORD_LINK_SECRET = SECRET;
