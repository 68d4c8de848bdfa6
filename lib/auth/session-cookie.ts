import "server-only";
import { decode } from "next-auth/jwt";
import type { Identity } from "@/lib/domain/identity";

/**
 * Reading next-auth's session cookie (an encrypted JWT) without next-auth's whole session machinery: every page
 * and API call of a signed-in user starts here, and at the start of a class hundreds arrive each second.
 * Decrypting derives the key anew each time, so what a cookie says is kept per cookie value until it expires
 * or a minute passes, whichever comes first. That is safe because the value is the credential itself: the
 * same value always decrypts to the same session, and a session's user is re-read from the database anyway.
 */

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];
const KEEP_MS = 60_000;
const MAX_KEPT = 10_000;

export interface SessionClaims {
  userId: string;
  claims: Identity["claims"];
}

/** The session token among a request's cookies: whole, or put together from next-auth's `.0`, `.1`… chunks. */
export function sessionToken(cookies: { name: string; value: string }[]): string | null {
  for (const name of SESSION_COOKIES) {
    const whole = cookies.find((c) => c.name === name);
    if (whole) return whole.value;
    const chunks = cookies
      .map((c) => ({ c, index: c.name.startsWith(`${name}.`) ? Number(c.name.slice(name.length + 1)) : NaN }))
      .filter(({ index }) => Number.isInteger(index) && index >= 0)
      .sort((a, b) => a.index - b.index);
    if (chunks.length > 0) return chunks.map(({ c }) => c.value).join("");
  }
  return null;
}

const kept = new Map<string, { until: number; session: SessionClaims | null }>();

/** What a session token says, or null when it is not a valid, unexpired session of this portal. */
export async function readSessionToken(token: string, secret: string, now = Date.now()): Promise<SessionClaims | null> {
  const hit = kept.get(token);
  if (hit && hit.until > now) return hit.session;
  let jwt: Awaited<ReturnType<typeof decode>> = null;
  try {
    jwt = await decode({ token, secret });
  } catch {
    jwt = null;
  }
  const expires = typeof jwt?.exp === "number" ? jwt.exp * 1000 : now;
  const session = jwt && typeof jwt.sub === "string" && expires > now ? { userId: jwt.sub, claims: (jwt.claims ?? {}) as Identity["claims"] } : null;
  if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
  // An unusable token is remembered too (briefly): a client repeating a bad cookie costs one decryption a minute.
  kept.set(token, { until: Math.min(now + KEEP_MS, session ? expires : now + KEEP_MS), session });
  return session;
}
