import { describe, expect, it } from "vitest";
import { reconcilePool } from "@/lib/controllers/pools";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/domain/errors";
import { launchInstance, type LaunchResult } from "@/lib/services/instances/launch";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createStudents, insertAvailableMembers, phasesOf } from "@/test/support/launch";
import { testContext } from "@/test/support/controller";

/**
 * Launch under contention, against the real PostgreSQL: many launches at once through the real service,
 * racing on the same pool rows and the same owner keys.
 */

allowLaunching();
setupTestDatabase();

// The pool controller keeps pools only for a portal with a cluster; these passes never contact it.
const poolContext = testContext({ settings: { flux: { interval: "5m", timeout: "10m", serviceAccountName: null, remediationRetries: 3, wait: true } } });

/** Runs every launch at once and sorts the outcomes; anything but an AppError fails the test. */
async function storm(launches: (() => Promise<LaunchResult>)[]) {
  const settled = await Promise.allSettled(launches.map((fn) => fn()));
  const results: LaunchResult[] = [];
  const refusals: string[] = [];
  for (const outcome of settled) {
    if (outcome.status === "fulfilled") results.push(outcome.value);
    else if (isAppError(outcome.reason)) refusals.push(outcome.reason.code);
    else throw outcome.reason;
  }
  return { results, refusals };
}

describe("launch storms", () => {
  it("200 launches on a pool of 20: exactly 20 claims, no member bound twice, the rest on-demand", async () => {
    const pool = await createLaunchTemplate("storm-pool", { method: "pool", poolSize: 20 });
    const members = await insertAvailableMembers(pool.id, 20);
    const students = await createStudents(200, "storm");
    const { results, refusals } = await storm(students.map((s) => () => launchInstance(s, { template: "storm-pool" })));
    expect(refusals).toEqual([]);
    const claimed = results.filter((r) => r.outcome === "claimed");
    expect(claimed).toHaveLength(20);
    expect(new Set(claimed.map((r) => r.environment.uuid))).toEqual(new Set(members));
    expect(results.filter((r) => r.outcome === "created")).toHaveLength(180);
    const rows = await db().instance.findMany({ where: { templateId: pool.id } });
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => r.ownerKey)).size).toBe(200);
    expect(rows.filter((r) => r.phase === "Claimed").every((r) => r.claimedAt && r.expiresAt && r.pooled)).toBe(true);
  });

  it("one owner firing 30 launches with quota 3: exactly 3 live instances", async () => {
    const [owner] = await createStudents(1, "greedy");
    const names = Array.from({ length: 10 }, (_, i) => `greedy-${i}`);
    for (const name of names) await createLaunchTemplate(name, { maxInstancesPerUser: 3 });
    const { results, refusals } = await storm(Array.from({ length: 30 }, (_, i) => () => launchInstance(owner!, { template: names[i % 10]! })));
    const live = await db().instance.count({ where: { ownerKey: owner!.username, deletedAt: null } });
    expect(live).toBe(3);
    expect(new Set(results.map((r) => r.environment.uuid)).size).toBe(3);
    expect(refusals.every((code) => code === "QUOTA_EXCEEDED")).toBe(true);
    expect(results.length + refusals.length).toBe(30);
  });

  it("10 members of a group launching a group-owned template at once: one instance", async () => {
    await createLaunchTemplate("group-lab", { spec: { ownerClaim: "groups" } });
    const team = await createStudents(10, "crew", ["crew-7"]);
    const { results, refusals } = await storm(team.map((member) => () => launchInstance(member, { template: "group-lab" })));
    expect(refusals).toEqual([]);
    expect(new Set(results.map((r) => r.environment.uuid)).size).toBe(1);
    expect(results.filter((r) => r.outcome === "created")).toHaveLength(1);
    expect(await db().instance.count({ where: { ownerKey: "crew-7" } })).toBe(1);
  });

  it("never exceeds maxSize during a storm of launches racing the pool controller", async () => {
    const pool = await createLaunchTemplate("capped", { method: "pool", poolSize: 10, poolMaxSize: 30 });
    await insertAvailableMembers(pool.id, 5);
    const students = await createStudents(120, "capped");
    let highest = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const total = await db().instance.count({ where: { templateId: pool.id, deletedAt: null, phase: { not: "Expiring" } } });
        highest = Math.max(highest, total);
      }
    })();
    const refills = (async () => {
      for (let i = 0; i < 20; i++) await reconcilePool(poolContext, pool.id, 5);
    })();
    const { results, refusals } = await storm(students.map((s) => () => launchInstance(s, { template: "capped" })));
    await refills;
    sampling = false;
    await sampler;
    const total = await db().instance.count({ where: { templateId: pool.id, deletedAt: null, phase: { not: "Expiring" } } });
    expect(total).toBeLessThanOrEqual(30);
    expect(highest).toBeLessThanOrEqual(30);
    expect(results.length).toBeGreaterThan(0);
    expect(refusals.length).toBeGreaterThan(0);
    expect(new Set(refusals)).toEqual(new Set(["POOL_EXHAUSTED"]));
    // Every live instance is either someone's or an unclaimed member, and they add up to the cap.
    const phases = await phasesOf(pool.id);
    expect(Object.values(phases).reduce((a, b) => a + b, 0)).toBe(total);
  });
});

describe("pool controller", () => {
  it("fills a pool to its size on its budget, and never past maxSize", async () => {
    const pool = await createLaunchTemplate("filling", { method: "pool", poolSize: 7, poolMaxSize: 9 });
    const first = await reconcilePool(poolContext, pool.id, 5);
    expect(first.created).toHaveLength(5);
    expect(first.more).toBe(true);
    const second = await reconcilePool(poolContext, pool.id, 5);
    expect(second.created).toHaveLength(2);
    expect(second.more).toBe(false);
    expect(await phasesOf(pool.id)).toEqual({ Pending: 7 });
    const member = await db().instance.findFirstOrThrow({ where: { templateId: pool.id } });
    expect(member).toMatchObject({ ownerKey: null, pooled: true, expiresAt: null });
    expect(member.namespace).toBe(`pool-filling-${member.uuid}`);
    expect(member.values).toEqual({ host: `filling-${member.uuid}.envdeck.localhost` });
    // Seven members and three claimed elsewhere would be ten: maxSize keeps the pool at nine in total.
    const others = await db().instance.findMany({ where: { templateId: pool.id }, take: 3 });
    await db().instance.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { ownerKey: "someone", phase: "Provisioning" } });
    const third = await reconcilePool(poolContext, pool.id, 5);
    expect(third.created).toHaveLength(2);
    expect(await db().instance.count({ where: { templateId: pool.id, deletedAt: null } })).toBe(9);
  });

  it("lowering the size from 20 to 1 removes 19 unclaimed members and touches no claimed one", async () => {
    const pool = await createLaunchTemplate("shrinking", { method: "pool", poolSize: 20 });
    await insertAvailableMembers(pool.id, 20);
    const claimers = await createStudents(5, "keep");
    for (const student of claimers) await launchInstance(student, { template: "shrinking" });
    await reconcilePool(poolContext, pool.id, 10); // back to 20 unclaimed: five new Pending members
    const claimedBefore = await db().instance.findMany({ where: { templateId: pool.id, phase: "Claimed" }, orderBy: { uuid: "asc" } });
    expect(claimedBefore).toHaveLength(5);
    await db().template.update({ where: { id: pool.id }, data: { poolSize: 1 } });
    const pass = await reconcilePool(poolContext, pool.id, 10);
    expect(pass.removed).toHaveLength(19);
    expect(pass.created).toEqual([]);
    const phases = await phasesOf(pool.id);
    expect(phases).toEqual({ Claimed: 5, Available: 1, Expiring: 19 });
    expect(await db().instance.findMany({ where: { templateId: pool.id, phase: "Claimed" }, orderBy: { uuid: "asc" } })).toEqual(claimedBefore);
    // The not-yet-ready members went first: the one left is warm.
    expect(await db().instance.count({ where: { templateId: pool.id, phase: "Expiring", message: { contains: "smaller" } } })).toBe(19);
  });

  it("removes every unclaimed member when the template stops being a pool or is disabled", async () => {
    const pool = await createLaunchTemplate("retired", { method: "pool", poolSize: 3 });
    await insertAvailableMembers(pool.id, 3);
    await db().template.update({ where: { id: pool.id }, data: { enabled: false } });
    expect((await reconcilePool(poolContext, pool.id, 5)).removed).toHaveLength(3);
    expect(await phasesOf(pool.id)).toEqual({ Expiring: 3 });
  });

  it("removes members while claims race it, and never a member someone claimed", async () => {
    const pool = await createLaunchTemplate("racing", { method: "pool", poolSize: 40 });
    await insertAvailableMembers(pool.id, 40);
    const students = await createStudents(40, "racer");
    await db().template.update({ where: { id: pool.id }, data: { poolSize: 0 } });
    const [{ results }] = await Promise.all([storm(students.map((s) => () => launchInstance(s, { template: "racing" }))), reconcilePool(poolContext, pool.id, 5)]);
    const claimedUuids = results.filter((r) => r.outcome === "claimed").map((r) => r.environment.uuid);
    const rows = await db().instance.findMany({ where: { uuid: { in: claimedUuids } } });
    expect(rows.every((r) => r.phase === "Claimed" && r.ownerKey !== null)).toBe(true);
    expect(await db().instance.count({ where: { templateId: pool.id, ownerKey: null, phase: { not: "Expiring" } } })).toBe(0);
  });
});
