import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import type { Identity } from "@/lib/domain/identity";
import { loadIdentity } from "@/lib/services/accounts/internal/sign-in";
import { authOptions } from "./options";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The caller's identity for this request, or null when signed out. The session only says who signed in;
 * roles, groups and whether the account still exists are re-read from the database on every request.
 * Cached per request so a page and its components share one lookup.
 */
export const getIdentity = cache(async (): Promise<Identity | null> => {
  const session = await getServerSession(authOptions());
  const userId = session?.userId;
  if (!userId || !UUID.test(userId)) return null;
  return loadIdentity(userId, session.claims ?? {});
});
