import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UNLIMITED_TTL, decideExtend, expiryFrom, expiryTone, extensionsLeft, formatCountdown, type TtlPolicy } from "@/lib/domain/ttl";

const now = new Date("2025-03-01T12:00:00Z");
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const policy: TtlPolicy = { ttlSeconds: 3600, extendSeconds: 1800, maxExtends: 2 };

describe("expiryFrom", () => {
  it("adds the TTL to the start", () => {
    expect(expiryFrom(now, 3600)).toEqual(later(3600));
    expect(expiryFrom(now, 0)).toEqual(now);
  });

  it("has no expiry for an unlimited TTL", () => {
    expect(expiryFrom(now, UNLIMITED_TTL)).toBeNull();
  });
});

describe("decideExtend", () => {
  it("adds extendSeconds to the current expiry, not to now", () => {
    const decision = decideExtend(policy, { phase: "Ready", expiresAt: later(600), extendCount: 0 }, now);
    expect(decision).toEqual({ ok: true, expiresAt: later(600 + 1800), extendCount: 1 });
  });

  it("refuses to extend an unlimited environment", () => {
    const unlimited = { ...policy, ttlSeconds: UNLIMITED_TTL };
    const decision = decideExtend(unlimited, { phase: "Ready", expiresAt: null, extendCount: 0 }, now);
    expect(decision).toMatchObject({ ok: false, reason: "unlimited" });
    expect(!decision.ok && decision.message).toMatch(/no time limit/);
    // An instance without an expiry (an unclaimed pool member, say) has nothing to extend either.
    expect(decideExtend(policy, { phase: "Ready", expiresAt: null, extendCount: 0 }, now)).toMatchObject({ ok: false, reason: "unlimited" });
  });

  it("refuses once the limit is reached, saying no extensions are left", () => {
    const decision = decideExtend(policy, { phase: "Ready", expiresAt: later(600), extendCount: 2 }, now);
    expect(decision).toMatchObject({ ok: false, reason: "limit" });
    expect(!decision.ok && decision.message).toMatch(/^No extensions left: .*maximum of 2 times\.$/);
    const once = decideExtend({ ...policy, maxExtends: 1 }, { phase: "Ready", expiresAt: later(600), extendCount: 1 }, now);
    expect(!once.ok && once.message).toMatch(/maximum of 1 time\.$/);
    expect(decideExtend(policy, { phase: "Ready", expiresAt: later(600), extendCount: 7 }, now)).toMatchObject({ ok: false, reason: "limit" });
  });

  it.each([
    ["extendSeconds 0", { ...policy, extendSeconds: 0 }],
    ["maxExtends 0", { ...policy, maxExtends: 0 }],
    ["negative extendSeconds", { ...policy, extendSeconds: -60 }],
  ])("refuses when the template is not extendable (%s)", (_, notExtendable) => {
    const decision = decideExtend(notExtendable, { phase: "Ready", expiresAt: later(600), extendCount: 0 }, now);
    expect(decision).toMatchObject({ ok: false, reason: "not-extendable" });
    expect(!decision.ok && decision.message).toMatch(/cannot be extended/);
  });

  it("refuses an environment that has already expired", () => {
    expect(decideExtend(policy, { phase: "Ready", expiresAt: later(-1), extendCount: 0 }, now)).toMatchObject({ ok: false, reason: "expired" });
    expect(decideExtend(policy, { phase: "Ready", expiresAt: now, extendCount: 0 }, now)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("refuses a failed environment, whatever its time and extensions left, and says what to do instead", () => {
    for (const phase of ["Pending", "Provisioning", "Ready", "Claimed"] as const) {
      expect(decideExtend(policy, { phase, expiresAt: later(600), extendCount: 0 }, now)).toMatchObject({ ok: true });
    }
    const decision = decideExtend(policy, { phase: "Failed", expiresAt: later(600), extendCount: 0 }, now);
    expect(decision).toMatchObject({ ok: false, reason: "failed" });
    expect(!decision.ok && decision.message).toMatch(/failed to start.*Retry it or delete it/);
  });

  it("never tells an instance that still has an expiry that it has no time limit", () => {
    const switchedToUnlimited = { ...policy, ttlSeconds: UNLIMITED_TTL };
    const decision = decideExtend(switchedToUnlimited, { phase: "Ready", expiresAt: later(600), extendCount: 0 }, now);
    expect(decision).not.toMatchObject({ reason: "unlimited" });
  });

  it("adds exactly n * extendSeconds over n extensions and refuses the one after maxExtends", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 * 24 * 3600 }),
        fc.integer({ min: 1, max: 24 * 3600 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 7 * 24 * 3600 }),
        (ttlSeconds, extendSeconds, maxExtends, remaining) => {
          const rules = { ttlSeconds, extendSeconds, maxExtends };
          const first = later(remaining);
          let instance = { phase: "Ready" as const, expiresAt: first as Date | null, extendCount: 0 };
          for (let n = 1; n <= maxExtends; n++) {
            expect(extensionsLeft(rules, instance)).toBe(maxExtends - n + 1);
            const decision = decideExtend(rules, instance, now);
            if (!decision.ok) throw new Error(`extension ${n} refused: ${decision.message}`);
            expect(decision.expiresAt.getTime() - first.getTime()).toBe(n * extendSeconds * 1000);
            expect(decision.extendCount).toBe(n);
            instance = { ...instance, expiresAt: decision.expiresAt, extendCount: decision.extendCount };
          }
          expect(extensionsLeft(rules, instance)).toBe(0);
          expect(decideExtend(rules, instance, now)).toMatchObject({ ok: false, reason: "limit" });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("extensionsLeft", () => {
  const expiring = (extendCount: number) => ({ phase: "Ready" as const, expiresAt: later(600), extendCount });

  it("counts the extensions still possible", () => {
    expect(extensionsLeft(policy, expiring(0))).toBe(2);
    expect(extensionsLeft(policy, expiring(1))).toBe(1);
    expect(extensionsLeft(policy, expiring(2))).toBe(0);
    expect(extensionsLeft(policy, expiring(5))).toBe(0);
  });

  it("is null for an instance that never expires and 0 when not extendable", () => {
    expect(extensionsLeft(policy, { phase: "Ready", expiresAt: null, extendCount: 0 })).toBeNull();
    expect(extensionsLeft({ ...policy, extendSeconds: 0 }, expiring(0))).toBe(0);
    expect(extensionsLeft({ ...policy, maxExtends: 0 }, expiring(0))).toBe(0);
  });

  it("is 0 for a failed environment", () => {
    expect(extensionsLeft(policy, { ...expiring(0), phase: "Failed" })).toBe(0);
  });

  it("follows the instance's own expiry when the template was switched to unlimited after launch", () => {
    expect(extensionsLeft({ ...policy, ttlSeconds: UNLIMITED_TTL }, expiring(0))).toBe(2);
  });
});

describe("expiryTone", () => {
  it("turns amber under 10 minutes and red under 2, then expired", () => {
    expect(expiryTone(later(3600), now)).toBe("normal");
    expect(expiryTone(later(600), now)).toBe("normal");
    expect(expiryTone(later(599), now)).toBe("amber");
    expect(expiryTone(later(120), now)).toBe("amber");
    expect(expiryTone(later(119), now)).toBe("red");
    expect(expiryTone(later(1), now)).toBe("red");
    expect(expiryTone(later(0), now)).toBe("expired");
    expect(expiryTone(later(-30), now)).toBe("expired");
    expect(expiryTone(null, now)).toBe("unlimited");
  });

  it("never gets calmer as time passes", () => {
    const rank = { unlimited: -1, normal: 0, amber: 1, red: 2, expired: 3 };
    fc.assert(
      fc.property(fc.integer({ min: -10_000, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (left, passed) => {
        const expiresAt = later(left);
        expect(rank[expiryTone(expiresAt, new Date(now.getTime() + passed * 1000))]).toBeGreaterThanOrEqual(rank[expiryTone(expiresAt, now)]);
      }),
    );
  });
});

describe("formatCountdown", () => {
  it("shows a clock, rounding up so it reads 0:00 only once time is up", () => {
    expect(formatCountdown(3_723_000)).toBe("1:02:03");
    expect(formatCountdown(545_000)).toBe("9:05");
    expect(formatCountdown(7_000)).toBe("0:07");
    expect(formatCountdown(6_001)).toBe("0:07");
    expect(formatCountdown(0)).toBe("0:00");
    expect(formatCountdown(-5_000)).toBe("0:00");
  });
});
