import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signInErrorMessage } from "@/lib/auth/redirects";
import {
  ACCOUNT_FAILURE_LIMIT,
  ADDRESS_FAILURE_LIMIT,
  decideThrottle,
  lockoutSeconds,
  MAX_DELAY_SECONDS,
  parseThrottleErrorCode,
  SignInThrottledError,
  throttleErrorCode,
  throttleMessage,
} from "@/lib/domain/sign-in-throttle";

const now = new Date("2026-11-30T12:00:00Z");
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const none = { failures: 0, latestAt: null };

describe("lockoutSeconds", () => {
  it("waits nothing below the limit, then a minute, doubling with each failure up to fifteen minutes", () => {
    expect([0, 1, 4].map((n) => lockoutSeconds(n, 5))).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10, 50].map((n) => lockoutSeconds(n, 5))).toEqual([60, 120, 240, 480, 900, 900, 900]);
    expect(lockoutSeconds(Number.POSITIVE_INFINITY, 5)).toBe(0);
    expect(lockoutSeconds(Number.NaN, 5)).toBe(0);
  });

  it("never shrinks as failures grow and never passes the window", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 50 }), (failures, limit) => {
        const wait = lockoutSeconds(failures, limit);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThanOrEqual(MAX_DELAY_SECONDS);
        expect(lockoutSeconds(failures + 1, limit)).toBeGreaterThanOrEqual(wait);
      }),
    );
  });
});

describe("decideThrottle", () => {
  it("lets an account with fewer than five failures try", () => {
    expect(decideThrottle({ account: { failures: ACCOUNT_FAILURE_LIMIT - 1, latestAt: ago(1) }, address: none }, now)).toEqual({ locked: false });
  });

  it("locks an account for the rest of its wait after the fifth failure", () => {
    const decision = decideThrottle({ account: { failures: 5, latestAt: ago(20) }, address: none }, now);
    expect(decision).toEqual({ locked: true, scope: "account", retryAfterSeconds: 40, until: new Date(now.getTime() + 40_000) });
  });

  it("lets it try again once the wait is over", () => {
    expect(decideThrottle({ account: { failures: 5, latestAt: ago(60) }, address: none }, now)).toEqual({ locked: false });
    expect(decideThrottle({ account: { failures: 6, latestAt: ago(60) }, address: none }, now)).toMatchObject({ locked: true, retryAfterSeconds: 60 });
  });

  it("locks an address only after twenty failures, and the longer wait wins", () => {
    expect(decideThrottle({ account: none, address: { failures: ADDRESS_FAILURE_LIMIT - 1, latestAt: ago(1) } }, now)).toEqual({ locked: false });
    expect(decideThrottle({ account: none, address: { failures: ADDRESS_FAILURE_LIMIT, latestAt: ago(1) } }, now)).toMatchObject({ locked: true, scope: "address", retryAfterSeconds: 59 });
    const both = decideThrottle({ account: { failures: 5, latestAt: ago(1) }, address: { failures: 22, latestAt: ago(1) } }, now);
    expect(both).toMatchObject({ scope: "address", retryAfterSeconds: 239 });
  });

  it("ignores an unknown address", () => {
    expect(decideThrottle({ account: { failures: 2, latestAt: ago(1) }, address: null }, now)).toEqual({ locked: false });
  });
});

describe("the message", () => {
  it("says how long to wait in whole minutes, rounding up", () => {
    expect(throttleMessage(1)).toBe("Too many attempts. Try again in 1 minute.");
    expect(throttleMessage(60)).toBe("Too many attempts. Try again in 1 minute.");
    expect(throttleMessage(61)).toBe("Too many attempts. Try again in 2 minutes.");
    expect(throttleMessage(900)).toBe("Too many attempts. Try again in 15 minutes.");
    expect(new SignInThrottledError(120).message).toBe("Too many attempts. Try again in 2 minutes.");
  });

  it("travels as a code only the throttle's wait fits in", () => {
    expect(parseThrottleErrorCode(throttleErrorCode(119.2))).toBe(120);
    expect(parseThrottleErrorCode(throttleErrorCode(0))).toBe(1);
    expect(parseThrottleErrorCode(throttleErrorCode(1e9))).toBe(MAX_DELAY_SECONDS);
    for (const code of [undefined, null, "", "CredentialsSignin", "TooManyAttempts-", "TooManyAttempts-0", "TooManyAttempts-99999", "TooManyAttempts-60<script>", "TooManyAttempts--5", "TooManyAttempts-６０"]) {
      expect(parseThrottleErrorCode(code)).toBeNull();
    }
  });

  it("is what the sign-in page shows for the code, and nothing of a crafted one", () => {
    expect(signInErrorMessage("TooManyAttempts-120", null)).toBe("Too many attempts. Try again in 2 minutes.");
    expect(signInErrorMessage("Too many attempts. Try again in 9999 minutes.", null)).toBe("Sign-in failed. Please try again.");
  });
});
