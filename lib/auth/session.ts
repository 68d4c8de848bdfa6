import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { getConfig } from "@/lib/config";
import type { Identity } from "@/lib/domain/identity";
import { loadIdentity } from "@/lib/services/accounts/internal/sign-in";
import { currentOrigin } from "./request-origin";
import { readSessionToken, sessionToken } from "./session-cookie";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The caller's identity for this request, or null when signed out. The session only says who signed in;
 * roles, groups and whether the account still exists are re-read from the database on every request.
 * Cached per request so a page and its components share one lookup. It carries where the request came from,
 * which the audit trail records with whatever the caller changes.
 */
export const getIdentity = cache(async (): Promise<Identity | null> => {
  const token = sessionToken((await cookies()).getAll());
  const secret = getConfig().authSecret;
  if (!token || !secret) return null;
  const session = await readSessionToken(token, secret);
  if (!session || !UUID.test(session.userId)) return null;
  const [identity, origin] = await Promise.all([loadIdentity(session.userId, session.claims), currentOrigin()]);
  return identity && { ...identity, origin };
});
