import "server-only";
import { tryJoinCode } from "@/lib/db/classes";
import { decideJoinThrottle, JOIN_CODE_REFUSED, JOIN_FAILURE_LIMIT, JOIN_WINDOW_SECONDS, joinThrottleMessage, normaliseJoinCode } from "@/lib/domain/classes";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

/** A class a code opens, as the person holding the code sees it. */
export interface JoinedClass {
  slug: string;
  title: string;
  /** "joined": just now; "already": they were a member before (nothing changed); "open": they may join. */
  status: "joined" | "already" | "open";
}

/**
 * Looks a join code up for the caller, and with `join` makes them a member. Every code that opens nothing
 * reads the same (JOIN_CODE_REFUSED), whether it never existed, was changed, turned off, expired or belongs to
 * an archived class, and counts against the caller: after JOIN_FAILURE_LIMIT of them within the window they
 * must wait (RATE_LIMITED), on every replica alike. Codes that work never count.
 */
export async function redeemJoinCode(identity: Identity | null, input: { code?: unknown }, join: boolean): Promise<JoinedClass> {
  assertCan(identity, "class:join");
  if (identity.source === "system") throw new AppError("FORBIDDEN", "The portal itself joins no class.");
  const result = await tryJoinCode({ userId: identity.userId, groups: identity.groups }, normaliseJoinCode(input.code), {
    join,
    recentFailures: JOIN_FAILURE_LIMIT,
    windowSeconds: JOIN_WINDOW_SECONDS,
    throttle: decideJoinThrottle,
    audit: (found) => ({ actor: identity, action: "class.join", objectType: "class", objectId: found.classId, after: { slug: found.slug, member: identity.username, via: "link" } }),
  });
  if (result.status === "throttled") throw new AppError("RATE_LIMITED", joinThrottleMessage(result.retryAfterSeconds));
  if (result.status === "refused") throw new AppError("NOT_FOUND", JOIN_CODE_REFUSED, { code: [JOIN_CODE_REFUSED] });
  return { slug: result.slug, title: result.title, status: result.status };
}
