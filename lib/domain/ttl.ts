import type { Phase } from "./phase";

/**
 * Time-to-live maths: a TTL in seconds, -1 for unlimited; extensions add `extendSeconds` at most
 * `maxExtends` times. Pure, so the rules are tested without a clock or a database.
 */

export const UNLIMITED_TTL = -1;

export interface TtlPolicy {
  ttlSeconds: number;
  extendSeconds: number;
  maxExtends: number;
}

/** When an instance started (or claimed) at `start` expires; null for an unlimited TTL. */
export function expiryFrom(start: Date, ttlSeconds: number): Date | null {
  return ttlSeconds < 0 ? null : new Date(start.getTime() + ttlSeconds * 1000);
}

export type ExtendDecision =
  | { ok: true; expiresAt: Date; extendCount: number }
  | { ok: false; reason: "unlimited" | "limit" | "not-extendable" | "expired" | "failed"; message: string };

/** What the TTL rules need to know of an instance. */
export interface TtlState {
  phase: Phase;
  expiresAt: Date | null;
  extendCount: number;
}

/**
 * Whether (and to when) an instance can be extended. The extension is added to the current expiry, not to
 * now, so extending early never loses time and extending twice quickly gives twice the time.
 */
export function decideExtend(
  policy: TtlPolicy,
  instance: TtlState,
  now: Date,
): ExtendDecision {
  // A failed launch has nothing to keep: more time would only hold its objects and its name longer.
  if (instance.phase === "Failed") {
    return { ok: false, reason: "failed", message: "This environment failed to start, so there is nothing to extend. Retry it or delete it." };
  }
  // The instance's own expiry decides: a template switched to unlimited does not save instances launched before.
  if (instance.expiresAt === null) {
    return { ok: false, reason: "unlimited", message: "This environment has no time limit, so there is nothing to extend." };
  }
  if (policy.extendSeconds <= 0 || policy.maxExtends <= 0) {
    return { ok: false, reason: "not-extendable", message: "This environment cannot be extended." };
  }
  if (instance.extendCount >= policy.maxExtends) {
    return {
      ok: false,
      reason: "limit",
      message: `No extensions left: this environment has been extended the maximum of ${policy.maxExtends} time${policy.maxExtends === 1 ? "" : "s"}.`,
    };
  }
  if (instance.expiresAt <= now) return { ok: false, reason: "expired", message: "This environment has already expired." };
  return { ok: true, expiresAt: new Date(instance.expiresAt.getTime() + policy.extendSeconds * 1000), extendCount: instance.extendCount + 1 };
}

/** How many more times an instance can be extended (null when it never expires). */
export function extensionsLeft(policy: TtlPolicy, instance: TtlState): number | null {
  if (instance.expiresAt === null) return null;
  if (policy.extendSeconds <= 0 || instance.phase === "Failed") return 0;
  return Math.max(0, policy.maxExtends - instance.extendCount);
}

/** Under this much time left, the countdown turns amber. */
export const AMBER_BELOW_MS = 10 * 60_000;
/** Under this much, it turns red and the user is told the environment is about to be deleted. */
export const RED_BELOW_MS = 2 * 60_000;

export type ExpiryTone = "normal" | "amber" | "red" | "expired" | "unlimited";

export function expiryTone(expiresAt: Date | null, now: Date): ExpiryTone {
  if (expiresAt === null) return "unlimited";
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return "expired";
  if (left < RED_BELOW_MS) return "red";
  if (left < AMBER_BELOW_MS) return "amber";
  return "normal";
}

/** Time left as a clock: "1:02:03", "9:05", "0:07"; "0:00" once expired. */
export function formatCountdown(milliseconds: number): string {
  const total = Math.max(0, Math.ceil(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}
