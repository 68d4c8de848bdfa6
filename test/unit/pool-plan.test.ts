import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keepsPool, planPool, type PoolCounts, type PoolPlan } from "@/lib/domain/pool-plan";

/** Counts of a pool whose members are all of the latest version. */
function current(total: number, unclaimed: number, unclaimedReady = 0): PoolCounts {
  return { total, unclaimed, unclaimedReady };
}

describe("pool plan", () => {
  it("fills to the size, removes the excess of unclaimed members, and stops at maxSize", () => {
    expect(planPool({ size: 3, maxSize: 0 }, current(0, 0))).toMatchObject({ remove: 0, create: 3, capped: false });
    expect(planPool({ size: 3, maxSize: 0 }, current(5, 3))).toMatchObject({ remove: 0, create: 0, capped: false });
    expect(planPool({ size: 1, maxSize: 0 }, current(6, 4))).toMatchObject({ remove: 3, removeCurrent: { starting: 3, ready: 0 }, create: 0, capped: false });
    expect(planPool({ size: 0, maxSize: 10 }, current(2, 2, 2))).toMatchObject({ remove: 2, removeCurrent: { starting: 0, ready: 2 }, create: 0, capped: false });
    // Seven wanted, nine at most, three claimed: six can be created.
    expect(planPool({ size: 7, maxSize: 9 }, current(3, 0))).toMatchObject({ remove: 0, create: 6, capped: true });
    // A maxSize below what runs already removes nothing claimed and creates nothing.
    expect(planPool({ size: 2, maxSize: 4 }, current(6, 1))).toMatchObject({ remove: 0, create: 0, capped: true });
  });

  it("removes members that are not ready first when the size is lowered", () => {
    expect(planPool({ size: 2, maxSize: 0 }, current(5, 5, 3))).toMatchObject({ removeCurrent: { starting: 2, ready: 1 }, remove: 3 });
  });

  it("creates at most the budget and says more are due", () => {
    expect(planPool({ size: 7, maxSize: 0 }, current(0, 0), 5)).toMatchObject({ create: 5, more: true });
    expect(planPool({ size: 7, maxSize: 0 }, current(5, 5), 5)).toMatchObject({ create: 2, more: false });
  });

  describe("rolling forward to a new version", () => {
    it("replaces starting members of an older version at once, and creates their replacements", () => {
      const plan = planPool({ size: 2, maxSize: 0 }, { total: 2, unclaimed: 2, unclaimedReady: 0, outdated: { ready: 0, starting: 2 } });
      expect(plan).toMatchObject({ removeOutdated: { starting: 2, ready: 0 }, remove: 2, create: 2 });
    });

    it("keeps ready members of an older version until replacements of the new one are ready", () => {
      const pool = { size: 2, maxSize: 0 };
      // Version 2 saved: two new members start beside the two ready old ones.
      expect(planPool(pool, { total: 2, unclaimed: 2, unclaimedReady: 2, outdated: { ready: 2, starting: 0 } })).toMatchObject({ remove: 0, create: 2 });
      // Nothing new is ready yet: nothing ends, nothing more starts.
      expect(planPool(pool, { total: 4, unclaimed: 4, unclaimedReady: 2, outdated: { ready: 2, starting: 0 } })).toMatchObject({ remove: 0, create: 0 });
      // One new member ready: one old one goes.
      expect(planPool(pool, { total: 4, unclaimed: 4, unclaimedReady: 3, outdated: { ready: 2, starting: 0 } })).toMatchObject({ removeOutdated: { ready: 1, starting: 0 }, create: 0 });
      // Both ready: the last old one goes.
      expect(planPool(pool, { total: 3, unclaimed: 3, unclaimedReady: 3, outdated: { ready: 1, starting: 0 } })).toMatchObject({ removeOutdated: { ready: 1, starting: 0 }, create: 0 });
    });

    it("within maxSize and with no room left, replaces one ready old member at a time", () => {
      const pool = { size: 2, maxSize: 2 };
      expect(planPool(pool, { total: 2, unclaimed: 2, unclaimedReady: 2, outdated: { ready: 2, starting: 0 } })).toMatchObject({ removeOutdated: { ready: 1, starting: 0 }, create: 1 });
      // Its replacement is on its way: wait for it.
      expect(planPool(pool, { total: 2, unclaimed: 2, unclaimedReady: 1, outdated: { ready: 1, starting: 0 } })).toMatchObject({ remove: 0, create: 0 });
      expect(planPool(pool, { total: 2, unclaimed: 2, unclaimedReady: 2, outdated: { ready: 1, starting: 0 } })).toMatchObject({ removeOutdated: { ready: 1, starting: 0 }, create: 1 });
    });

    it("never ends an old member to make room that claimed environments already take", () => {
      // Three claimed and two warm old members, maxSize 4: ending one old member would still leave no room.
      expect(planPool({ size: 2, maxSize: 4 }, { total: 5, unclaimed: 2, unclaimedReady: 2, outdated: { ready: 2, starting: 0 } })).toMatchObject({ remove: 0, create: 0, capped: true });
    });
  });

  it("never plans past the size or past maxSize, and never both removes and creates members of the latest version (property)", () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(1000), fc.nat(200), fc.nat(200), fc.nat(200), (size, maxSize, unclaimed, readyShare, claimed) => {
        const unclaimedReady = unclaimed === 0 ? 0 : readyShare % (unclaimed + 1);
        const total = unclaimed + claimed;
        const plan = planPool({ size, maxSize }, current(total, unclaimed, unclaimedReady));
        expect(plan.removeOutdated).toEqual({ ready: 0, starting: 0 });
        expect(plan.remove === 0 || plan.create === 0).toBe(true);
        const after = unclaimed - plan.remove + plan.create;
        expect(after).toBeLessThanOrEqual(Math.max(size, 0));
        if (plan.remove > 0) expect(after).toBe(size);
        if (plan.create > 0 && maxSize > 0) expect(total + plan.create).toBeLessThanOrEqual(maxSize);
        if (!plan.capped && plan.remove === 0) expect(after).toBe(size);
        // Not-ready members go first.
        if (plan.removeCurrent.ready > 0) expect(plan.removeCurrent.starting).toBe(unclaimed - unclaimedReady);
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

/**
 * A pool as the controller sees it between passes: unclaimed members by version and readiness, plus claimed
 * instances, which no pass touches. `apply` does what a plan says; `settle` lets starting members turn ready.
 */
interface Pool {
  oldReady: number;
  oldStarting: number;
  newReady: number;
  newStarting: number;
  claimed: number;
}

const countsOf = (pool: Pool): PoolCounts => ({
  total: pool.oldReady + pool.oldStarting + pool.newReady + pool.newStarting + pool.claimed,
  unclaimed: pool.oldReady + pool.oldStarting + pool.newReady + pool.newStarting,
  unclaimedReady: pool.oldReady + pool.newReady,
  outdated: { ready: pool.oldReady, starting: pool.oldStarting },
});
const readyOf = (pool: Pool) => pool.oldReady + pool.newReady;
const liveOf = (pool: Pool) => countsOf(pool).total;

function apply(pool: Pool, plan: PoolPlan): Pool {
  return {
    oldReady: pool.oldReady - plan.removeOutdated.ready,
    oldStarting: pool.oldStarting - plan.removeOutdated.starting,
    newReady: pool.newReady - plan.removeCurrent.ready,
    newStarting: pool.newStarting - plan.removeCurrent.starting + plan.create,
    claimed: pool.claimed,
  };
}

function settle(pool: Pool, turnReady: number): Pool {
  const turned = Math.min(turnReady, pool.newStarting);
  return { ...pool, newReady: pool.newReady + turned, newStarting: pool.newStarting - turned };
}

/** A pool of `size` on version 1 (some members still starting), with claimed instances, when version 2 is saved. */
const rollArbitrary = fc.record({
  size: fc.integer({ min: 0, max: 12 }),
  oldStartingShare: fc.nat(12),
  claimed: fc.nat(6),
  headroom: fc.nat(6),
  capped: fc.boolean(),
  budget: fc.integer({ min: 1, max: 6 }),
  // How many starting members turn ready between passes.
  progress: fc.array(fc.nat(3), { minLength: 1, maxLength: 60 }),
});

type RollInput = typeof rollArbitrary extends fc.Arbitrary<infer T> ? T : never;

function startRoll(input: RollInput) {
  const oldStarting = Math.min(input.oldStartingShare, input.size);
  const pool: Pool = { oldReady: input.size - oldStarting, oldStarting, newReady: 0, newStarting: 0, claimed: input.claimed };
  // maxSize 0 is no cap; otherwise at least what runs already, plus the headroom drawn.
  const maxSize = input.capped ? liveOf(pool) + input.headroom : 0;
  return { pool, desired: { size: input.size, maxSize } };
}

describe("pool plan over a roll (properties)", () => {
  it("never has more than maxSize live instances", () => {
    fc.assert(
      fc.property(rollArbitrary, (input) => {
        const start = startRoll(input);
        const { desired } = start;
        let { pool } = start;
        for (const turnReady of input.progress) {
          pool = apply(pool, planPool(desired, countsOf(pool), input.budget));
          if (desired.maxSize > 0) expect(liveOf(pool)).toBeLessThanOrEqual(desired.maxSize);
          pool = settle(pool, turnReady);
        }
      }),
    );
  });

  it("never leaves fewer ready members than it found while maxSize leaves room for one more; otherwise one fewer at most", () => {
    fc.assert(
      fc.property(rollArbitrary, (input) => {
        const start = startRoll(input);
        const { desired } = start;
        let { pool } = start;
        const roomy = desired.maxSize === 0 || desired.maxSize > liveOf(pool);
        for (const turnReady of input.progress) {
          const before = readyOf(pool);
          pool = apply(pool, planPool(desired, countsOf(pool), input.budget));
          expect(readyOf(pool)).toBeGreaterThanOrEqual(Math.min(before, desired.size) - (roomy ? 0 : 1));
          pool = settle(pool, turnReady);
        }
      }),
    );
  });

  it("converges: every old member replaced by a ready member of the new version, the pool at its size", () => {
    fc.assert(
      fc.property(rollArbitrary, (input) => {
        const start = startRoll(input);
        const { desired } = start;
        let { pool } = start;
        // Whatever happened before, members eventually turn ready: each pass is followed by at least one.
        for (const turnReady of [...input.progress, ...Array<number>(4 * (input.size + 2)).fill(1)]) {
          pool = settle(apply(pool, planPool(desired, countsOf(pool), input.budget)), Math.max(turnReady, 1));
        }
        expect(pool).toEqual({ oldReady: 0, oldStarting: 0, newReady: desired.size, newStarting: 0, claimed: input.claimed });
        // Converged means the next pass does nothing: running it again is safe.
        expect(planPool(desired, countsOf(pool), input.budget)).toMatchObject({ remove: 0, create: 0, more: false });
      }),
    );
  });

  it("plans nothing more when run twice with nothing changed in between, unless the budget held something back", () => {
    fc.assert(
      fc.property(rollArbitrary, (input) => {
        const start = startRoll(input);
        const { desired } = start;
        let { pool } = start;
        for (const turnReady of input.progress) {
          const plan = planPool(desired, countsOf(pool), input.budget);
          pool = apply(pool, plan);
          const again = planPool(desired, countsOf(pool), input.budget);
          expect(again.remove).toBe(0);
          if (!plan.more) expect(again.create).toBe(0);
          pool = settle(pool, turnReady);
        }
      }),
    );
  });
});
