/**
 * Sign-in throttling for local accounts: how long someone must wait after too many wrong passwords. Failures
 * are counted per username (whether or not the account exists, so the answer never tells them apart) and per
 * address over a sliding window; past the limit each further failure doubles the wait, up to the window's
 * length. Pure: lib/db/sign-in-attempts.ts counts, lib/services/accounts/internal/sign-in.ts decides with it.
 */

/** Failures older than this no longer count. */
export const THROTTLE_WINDOW_SECONDS = 15 * 60;
/** Wrong passwords for one username within the window before it must wait. */
export const ACCOUNT_FAILURE_LIMIT = 5;
/**
 * Wrong passwords from one address within the window before it must wait. Higher than an account's: a whole
 * class often signs in from behind one school address, and their typos add up there.
 */
export const ADDRESS_FAILURE_LIMIT = 20;
/** The wait after reaching a limit; each further failure doubles it. */
export const FIRST_DELAY_SECONDS = 60;
export const MAX_DELAY_SECONDS = THROTTLE_WINDOW_SECONDS;

/** Failures counted for one username or one address within the window, and when the latest happened. */
export interface FailureCount {
  failures: number;
  latestAt: Date | null;
}

export type ThrottleScope = "account" | "address";

export type ThrottleDecision = { locked: false } | { locked: true; scope: ThrottleScope; retryAfterSeconds: number; until: Date };

/** The wait that `failures` within the window earn against `limit`: none below it, then 1, 2, 4 … minutes, at most the window. */
export function lockoutSeconds(failures: number, limit: number): number {
  if (!Number.isFinite(failures) || failures < limit) return 0;
  const doublings = Math.min(failures - limit, 16);
  return Math.min(FIRST_DELAY_SECONDS * 2 ** doublings, MAX_DELAY_SECONDS);
}

function decideOne(count: FailureCount, limit: number, scope: ThrottleScope, now: Date): ThrottleDecision {
  const seconds = lockoutSeconds(count.failures, limit);
  if (seconds === 0 || !count.latestAt) return { locked: false };
  const until = new Date(count.latestAt.getTime() + seconds * 1000);
  const remainingMs = until.getTime() - now.getTime();
  if (remainingMs <= 0) return { locked: false };
  return { locked: true, scope, retryAfterSeconds: Math.ceil(remainingMs / 1000), until };
}

/**
 * Whether a sign-in may be tried now, given the failures counted for its username and for its address (null
 * when the address is unknown). When both are locked, the longer wait is the one that counts.
 */
export function decideThrottle(counts: { account: FailureCount; address: FailureCount | null }, now: Date): ThrottleDecision {
  const decisions = [decideOne(counts.account, ACCOUNT_FAILURE_LIMIT, "account", now), counts.address ? decideOne(counts.address, ADDRESS_FAILURE_LIMIT, "address", now) : { locked: false as const }];
  const locked = decisions.filter((d): d is Extract<ThrottleDecision, { locked: true }> => d.locked);
  if (locked.length === 0) return { locked: false };
  return locked.reduce((longest, d) => (d.retryAfterSeconds > longest.retryAfterSeconds ? d : longest));
}

/** What the person signing in reads: the same for every account, existing or not, and for every address. */
export function throttleMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/**
 * The error code a throttled sign-in carries from the server to the sign-in form (next-auth passes an error's
 * message along as `?error=`): only the wait travels, and the form words it with `throttleMessage`.
 */
const CODE_PREFIX = "TooManyAttempts-";
const CODE = /^TooManyAttempts-(\d{1,5})$/;

export function throttleErrorCode(retryAfterSeconds: number): string {
  return `${CODE_PREFIX}${Math.min(Math.max(1, Math.ceil(retryAfterSeconds)), MAX_DELAY_SECONDS)}`;
}

/** The wait a throttle error code carries, or null when the code is something else. */
export function parseThrottleErrorCode(code: string | null | undefined): number | null {
  const match = CODE.exec(code ?? "");
  if (!match) return null;
  const seconds = Number(match[1]);
  return seconds >= 1 && seconds <= MAX_DELAY_SECONDS ? seconds : null;
}

/** A sign-in refused because of too many failures; it says how long to wait and nothing else. */
export class SignInThrottledError extends Error {
  override name = "SignInThrottledError";
  constructor(readonly retryAfterSeconds: number) {
    super(throttleMessage(retryAfterSeconds));
  }
}
