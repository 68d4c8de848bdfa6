import { beforeAll, describe, expect, it } from "vitest";
import type { ControllerContext } from "@/lib/controllers/context";
import { reconcileInstance } from "@/lib/controllers/instances";
import { reconcilePool } from "@/lib/controllers/pools";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { type LaunchSettings } from "@/lib/domain/settings";
import { NO_CLUSTER_MESSAGE } from "@/lib/engine/select";
import { extendInstance } from "@/lib/services/instances/extend";
import { getInstance } from "@/lib/services/instances/get";
import { launchInstance } from "@/lib/services/instances/launch";
import { listInstances } from "@/lib/services/instances/list";
import { releaseInstance } from "@/lib/services/instances/release";
import { setupTestDatabase } from "@/test/support/database";
import { unreachableEngine } from "@/test/support/engine";
import { allowLaunching, createLaunchTemplate, createUser, insertAvailableMembers, phasesOf } from "@/test/support/launch";
import { testContext } from "@/test/support/controller";

/**
 * Launches that cannot succeed fail within a bound (lib/domain/launch-deadline.ts), and a failed environment
 * neither counts against its owner's quota nor can be extended; its owner retries or deletes it. The worker
 * here has no cluster, which is the one thing the web and this database cannot provide; its clock is moved
 * forward instead of waiting out the limits.
 */
allowLaunching();
setupTestDatabase();

const limits: LaunchSettings = { fetchTimeoutSeconds: 60, installTimeoutSeconds: 120 };

/** A worker without a cluster whose clock runs `aheadSeconds` ahead. */
function workerAhead(aheadSeconds: number): ControllerContext {
  return testContext({ engine: null, noEngineReason: NO_CLUSTER_MESSAGE, settings: { launch: limits }, now: () => new Date(Date.now() + aheadSeconds * 1000) });
}

/** Launches `template` for `owner` and lets the worker give it up as the bound says. */
async function launchAndFail(owner: Identity, template: string, params: Record<string, unknown> = {}) {
  const { environment } = await launchInstance(owner, { template, params });
  await reconcileInstance(workerAhead(limits.installTimeoutSeconds + 1), environment.uuid);
  const failed = await getInstance(owner, { uuid: environment.uuid });
  expect(failed.phase).toBe("Failed");
  return failed;
}

describe("a launch over its limit", () => {
  let owner: Identity;
  beforeAll(async () => {
    owner = await createUser({ name: "fay" });
    await createLaunchTemplate("bound-lab", { spec: { parameters: { type: "object", properties: { size: { type: "integer", default: 2 } } } } });
  });

  it("stays queued within the limit, then becomes Failed with plain words for its owner and the raw report kept", async () => {
    const { environment } = await launchInstance(owner, { template: "bound-lab", params: { size: 3 } });
    expect(await reconcileInstance(workerAhead(limits.installTimeoutSeconds - 10), environment.uuid)).toBeGreaterThan(0);
    expect(await getInstance(owner, { uuid: environment.uuid })).toMatchObject({ phase: "Pending", message: NO_CLUSTER_MESSAGE, problem: { kind: "no-cluster" } });

    expect(await reconcileInstance(workerAhead(limits.installTimeoutSeconds + 1), environment.uuid)).toBe(0);
    const failed = await getInstance(owner, { uuid: environment.uuid });
    expect(failed).toMatchObject({
      phase: "Failed",
      health: "failed",
      status: "Degraded",
      params: { size: 3 },
      problem: { kind: "no-cluster", summary: "Launching is unavailable right now. Try again later or ask your teacher." },
      extensionsLeft: 0,
    });
    expect(failed.message).toBe(
      `Gave up after 2 min without progress applying the release to the cluster (the limit is the setting launch.installTimeoutSeconds). Last report: ${NO_CLUSTER_MESSAGE}`,
    );
    // Failed is final: the worker leaves it as it is.
    expect(await reconcileInstance(workerAhead(3600), environment.uuid)).toBeNull();
    expect((await getInstance(owner, { uuid: environment.uuid })).phase).toBe("Failed");
    await releaseInstance(owner, { uuid: environment.uuid });
  });
});

describe("a failed environment", () => {
  it("does not count against the quota, yet a launch of its template returns it", async () => {
    const gil = await createUser({ name: "gil" });
    await createLaunchTemplate("fq-a", { maxInstancesPerUser: 1 });
    await createLaunchTemplate("fq-b", { maxInstancesPerUser: 1 });
    const failed = await launchAndFail(gil, "fq-a");
    expect((await listInstances(gil)).quota.used).toBe(0);

    // One allowed, and the failed one does not take that place.
    const other = await launchInstance(gil, { template: "fq-b" });
    expect(other.outcome).toBe("created");
    expect((await listInstances(gil)).quota).toMatchObject({ used: 1 });
    expect((await listInstances(gil)).environments.map((e) => e.phase).sort()).toEqual(["Failed", "Pending"]);

    // Its owner sees it again instead of piling up failed copies.
    expect(await launchInstance(gil, { template: "fq-a" })).toMatchObject({ outcome: "existing", environment: { uuid: failed.uuid, phase: "Failed" } });
    await expect(launchInstance(gil, { template: "fq-b" })).resolves.toMatchObject({ outcome: "existing", environment: { uuid: other.environment.uuid } });
  });

  it("cannot be extended, and says why", async () => {
    const hal = await createUser({ name: "hal" });
    await createLaunchTemplate("fx", { ttlSeconds: 600, ttlExtendSeconds: 300, ttlMaxExtends: 3 });
    const failed = await launchAndFail(hal, "fx");
    await expect(extendInstance(hal, { uuid: failed.uuid })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/failed to start.*Retry it or delete it/) });
    await expect(extendInstance(hal, { template: "fx" })).rejects.toMatchObject({ code: "CONFLICT" });
    const row = await db().instance.findUniqueOrThrow({ where: { uuid: failed.uuid } });
    expect({ expiresAt: row.expiresAt?.toISOString(), extendCount: row.extendCount }).toEqual({ expiresAt: failed.expiresAt, extendCount: 0 });
  });

  it("is retried as the pages do it: released, then launched again with the same parameters", async () => {
    const ivy = await createUser({ name: "ivy" });
    await createLaunchTemplate("fr", { spec: { parameters: { type: "object", properties: { size: { type: "integer" } } } } });
    const failed = await launchAndFail(ivy, "fr", { size: 4 });
    await releaseInstance(ivy, { uuid: failed.uuid });
    const again = await launchInstance(ivy, { template: "fr", params: failed.params });
    expect(again).toMatchObject({ outcome: "created", environment: { phase: "Pending", params: { size: 4 } } });
    expect(again.environment.uuid).not.toBe(failed.uuid);
    expect((await listInstances(ivy)).environments.map((e) => e.uuid)).toEqual([again.environment.uuid]);
  });
});

describe("a warm pool", () => {
  it("replaces a member that failed to start, and leaves the others", async () => {
    const pool = await createLaunchTemplate("fp", { method: "pool", poolSize: 2, poolMaxSize: 3 });
    const [broken, warm] = await insertAvailableMembers(pool.id, 2);
    await db().instance.update({ where: { uuid: broken }, data: { phase: "Failed", message: "Gave up after 3 min without progress fetching the chart" } });

    // The pool controller works only with a configured cluster; this one is down, and nothing here asks it.
    const pass = await reconcilePool({ ...workerAhead(0), engine: unreachableEngine("edtest") }, pool.id, 5);
    expect(pass.removed).toEqual([broken]);
    expect(pass.created).toHaveLength(1);
    expect(await phasesOf(pool.id)).toEqual({ Available: 1, Expiring: 1, Pending: 1 });
    expect((await db().instance.findUniqueOrThrow({ where: { uuid: broken } })).message).toBe("Replaced after failing to start: Gave up after 3 min without progress fetching the chart");
    expect((await db().instance.findUniqueOrThrow({ where: { uuid: warm } })).phase).toBe("Available");
  });
});
