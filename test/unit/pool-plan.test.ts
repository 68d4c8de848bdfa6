import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keepsPool, planPool } from "@/lib/domain/pool-plan";

describe("pool plan", () => {
  it("fills to the size, removes the excess of unclaimed members, and stops at maxSize", () => {
    expect(planPool({ size: 3, maxSize: 0 }, { total: 0, unclaimed: 0 })).toEqual({ remove: 0, create: 3, capped: false });
    expect(planPool({ size: 3, maxSize: 0 }, { total: 5, unclaimed: 3 })).toEqual({ remove: 0, create: 0, capped: false });
    expect(planPool({ size: 1, maxSize: 0 }, { total: 6, unclaimed: 4 })).toEqual({ remove: 3, create: 0, capped: false });
    expect(planPool({ size: 0, maxSize: 10 }, { total: 2, unclaimed: 2 })).toEqual({ remove: 2, create: 0, capped: false });
    // Seven wanted, nine at most, three claimed: six can be created.
    expect(planPool({ size: 7, maxSize: 9 }, { total: 3, unclaimed: 0 })).toEqual({ remove: 0, create: 6, capped: true });
    // A maxSize below what runs already removes nothing claimed and creates nothing.
    expect(planPool({ size: 2, maxSize: 4 }, { total: 6, unclaimed: 1 })).toEqual({ remove: 0, create: 0, capped: true });
  });

  it("never plans past the size or past maxSize, and never both removes and creates (property)", () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(1000), fc.nat(200), fc.nat(200), (size, maxSize, unclaimed, claimed) => {
        const total = unclaimed + claimed;
        const plan = planPool({ size, maxSize }, { total, unclaimed });
        expect(plan.remove === 0 || plan.create === 0).toBe(true);
        const after = unclaimed - plan.remove + plan.create;
        expect(after).toBeLessThanOrEqual(Math.max(size, 0));
        if (plan.remove > 0) expect(after).toBe(size);
        if (plan.create > 0 && maxSize > 0) expect(total + plan.create).toBeLessThanOrEqual(maxSize);
        if (!plan.capped && plan.remove === 0) expect(after).toBe(size);
      }),
    );
  });

  it("keeps a pool only for an enabled, valid pool template that is not a base", () => {
    const pool = { enabled: true, method: "pool" as const, isBase: false, validationError: null };
    expect(keepsPool(pool)).toBe(true);
    expect(keepsPool({ ...pool, enabled: false })).toBe(false);
    expect(keepsPool({ ...pool, method: "on_demand" })).toBe(false);
    expect(keepsPool({ ...pool, isBase: true })).toBe(false);
    expect(keepsPool({ ...pool, validationError: "broken" })).toBe(false);
  });
});
