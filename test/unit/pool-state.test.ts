import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Phase } from "@/lib/domain/phase";
import {
  describePoolSummary,
  isRecycleScope,
  isStuck,
  MEMBER_ENDED,
  membersToRecycle,
  RECYCLE_SCOPES,
  summarizePool,
  type PoolClock,
  type PoolMember,
} from "@/lib/domain/pool-state";

const NOW = new Date("2026-12-01T10:00:00Z");
const CLOCK: PoolClock = { latestVersion: 2, limits: { fetchTimeoutSeconds: 60, installTimeoutSeconds: 120 }, now: NOW };
let next = 0;

/** A member of `version` in `phase`, at its step since `secondsAgo`. */
function member(version: number, phase: Phase, options: { claimed?: boolean; secondsAgo?: number; step?: string | null } = {}): PoolMember {
  const since = new Date(NOW.getTime() - (options.secondsAgo ?? 5) * 1000);
  return {
    uuid: (next++).toString(16).padStart(8, "0"),
    version,
    phase,
    claimed: options.claimed ?? false,
    step: options.step === undefined ? (phase === "Pending" ? null : "installing") : options.step,
    stepStartedAt: since,
    createdAt: since,
    message: null,
  };
}

describe("pool state", () => {
  it("counts members in all and by version, marks the current version, and older ones being replaced", () => {
    const members = [
      member(1, "Available"),
      member(1, "Available"),
      member(1, "Claimed", { claimed: true }),
      member(2, "Available"),
      member(2, "Provisioning"),
      member(2, "Provisioning", { step: "fetching", secondsAgo: 61 }),
      member(2, "Failed"),
      member(1, "Expiring"),
      // A claimed member ending is its owner's business, not the pool's.
      member(1, "Expiring", { claimed: true }),
    ];
    const summary = summarizePool(members, CLOCK, { keeps: true });
    expect(summary.totals).toEqual({ available: 3, starting: 2, stuck: 1, failed: 1, claimed: 1, ending: 1 });
    expect(summary.versions).toEqual([
      { version: 2, current: true, beingReplaced: false, available: 1, starting: 2, stuck: 1, failed: 1, claimed: 0, ending: 0 },
      { version: 1, current: false, beingReplaced: true, available: 2, starting: 0, stuck: 0, failed: 0, claimed: 1, ending: 1 },
    ]);
    expect(summary.rolling).toBe(true);
    expect(summary.recyclable).toEqual({ all: 6, failed: 2, outdated: 2 });
  });

  it("does not call an old version with only claimed or ending members, or a pool the worker does not keep, being replaced", () => {
    const claimedOnly = summarizePool([member(1, "Claimed", { claimed: true }), member(1, "Expiring"), member(2, "Available")], CLOCK, { keeps: true });
    expect(claimedOnly.versions.find((row) => row.version === 1)).toMatchObject({ current: false, beingReplaced: false });
    expect(claimedOnly.rolling).toBe(false);
    const notKept = summarizePool([member(1, "Available")], CLOCK, { keeps: false });
    expect(notKept).toMatchObject({ rolling: false, versions: [{ version: 1, beingReplaced: false }] });
  });

  it("says a member is stuck only once it is past the limit of its step", () => {
    expect(isStuck(member(2, "Provisioning", { step: "fetching", secondsAgo: 59 }), CLOCK)).toBe(false);
    expect(isStuck(member(2, "Provisioning", { step: "fetching", secondsAgo: 61 }), CLOCK)).toBe(true);
    expect(isStuck(member(2, "Provisioning", { step: "installing", secondsAgo: 61 }), CLOCK)).toBe(false);
    expect(isStuck(member(2, "Pending", { secondsAgo: 121 }), CLOCK)).toBe(true);
    expect(isStuck(member(2, "Available", { secondsAgo: 9999 }), CLOCK)).toBe(false);
    expect(isStuck(member(2, "Failed", { secondsAgo: 9999 }), CLOCK)).toBe(false);
  });

  it("recycles only unclaimed members that are not ending, of the scope chosen", () => {
    const outdated = member(1, "Available");
    const failed = member(2, "Failed");
    const stuck = member(2, "Pending", { secondsAgo: 500 });
    const fine = member(2, "Available");
    const members = [outdated, failed, stuck, fine, member(1, "Claimed", { claimed: true }), member(1, "Expiring"), member(1, "Failed", { claimed: true })];
    expect(membersToRecycle(members, "outdated", CLOCK)).toEqual([outdated]);
    expect(membersToRecycle(members, "failed", CLOCK)).toEqual([failed, stuck]);
    expect(membersToRecycle(members, "all", CLOCK)).toEqual([outdated, failed, stuck, fine]);
  });

  it("never recycles a claimed or ending member, whatever the scope (property)", () => {
    const phases: Phase[] = ["Pending", "Provisioning", "Available", "Claimed", "Failed", "Expiring"];
    const arbitraryMember = fc.record({ version: fc.integer({ min: 1, max: 3 }), phase: fc.constantFrom(...phases), claimed: fc.boolean(), secondsAgo: fc.nat(1000) });
    fc.assert(
      fc.property(fc.array(arbitraryMember, { maxLength: 30 }), fc.constantFrom(...RECYCLE_SCOPES), (drawn, scope) => {
        const members = drawn.map((m) => member(m.version, m.phase, m));
        const chosen = membersToRecycle(members, scope, CLOCK);
        expect(chosen.every((m) => !m.claimed && m.phase !== "Expiring")).toBe(true);
        expect(summarizePool(members, CLOCK, { keeps: true }).recyclable[scope]).toBe(chosen.length);
        if (scope !== "all") expect(chosen.length).toBeLessThanOrEqual(membersToRecycle(members, "all", CLOCK).length);
      }),
    );
  });

  it("knows its three scopes and nothing else", () => {
    for (const scope of RECYCLE_SCOPES) expect(isRecycleScope(scope)).toBe(true);
    for (const bad of ["", "ALL", "failed ", "everything", "'; DROP TABLE instances; --", null, 1, undefined, ["all"]]) expect(isRecycleScope(bad)).toBe(false);
  });

  it("sums the pool up in one sentence that changes only with what an admin follows", () => {
    const rolling = summarizePool([member(1, "Available"), member(1, "Available"), member(2, "Provisioning")], CLOCK, { keeps: true });
    expect(describePoolSummary(rolling, 2)).toBe("Pool: 2 of 2 warm members ready; 1 starting; replacing members of version 1.");
    const failing = summarizePool([member(2, "Failed"), member(2, "Pending", { secondsAgo: 500 })], CLOCK, { keeps: true });
    expect(describePoolSummary(failing, 1)).toBe("Pool: 0 of 1 warm member ready; 1 starting; 2 members failed or stuck.");
    // Time passing alone does not change the sentence, so nothing is read out again.
    const later = summarizePool([member(1, "Available"), member(1, "Available"), member(2, "Provisioning")], { ...CLOCK, now: new Date(NOW.getTime() + 30_000) }, { keeps: true });
    expect(describePoolSummary(later, 2)).toBe(describePoolSummary(rolling, 2));
  });

  it("writes why a member ended in words an admin reads", () => {
    expect(MEMBER_ENDED.replaced(3)).toBe("Replaced by a member of version 3");
    expect(MEMBER_ENDED.recycled("ada", "failed")).toBe("Recycled by ada (failed and stuck members)");
    expect(`${MEMBER_ENDED.failed}Gave up`).toBe("Replaced after failing to start: Gave up");
  });
});
