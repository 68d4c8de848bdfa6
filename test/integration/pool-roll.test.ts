import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import type { ControllerContext } from "@/lib/controllers/context";
import { reconcileInstance } from "@/lib/controllers/instances";
import { reconcilePool } from "@/lib/controllers/pools";
import { db } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { invalidateTemplateCache } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { type LaunchSettings } from "@/lib/domain/settings";
import { launchInstance } from "@/lib/services/instances/launch";
import { saveTemplateSpec } from "@/lib/services/templates/save-spec";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createStudents, createUser, insertAvailableMembers } from "@/test/support/launch";
import { testContext } from "@/test/support/controller";

/**
 * The pool controller rolling a pool forward to a new version, against the real PostgreSQL: passes are run by
 * hand, and members "turn ready" by the row update the instance reconciler makes when Flux reports them
 * installed. Its cluster is configured but down: nothing here asks it anything, except the stuck member's
 * reconcile, which is refused at once.
 */
allowLaunching();
const database = setupTestDatabase();

const limits: LaunchSettings = { fetchTimeoutSeconds: 60, installTimeoutSeconds: 120 };

/** The worker's context; `woken` collects the pools its reconcilers ask to look at. */
function workerContext(aheadSeconds = 0): ControllerContext & { woken: string[] } {
  const woken: string[] = [];
  return {
    ...testContext({ settings: { defaultQuota: 0, launch: limits }, now: () => new Date(Date.now() + aheadSeconds * 1000) }),
    wakePool: (templateId: string) => woken.push(templateId),
    woken,
  };
}
const ctx = workerContext();

/** Unclaimed and claimed members of a template not torn down, as "v<version> <phase>[ claimed]" → count. */
async function membersOf(templateId: string): Promise<Record<string, number>> {
  const rows = await db().instance.findMany({ where: { templateId, deletedAt: null }, include: { templateVersion: { select: { version: true } } } });
  const counts: Record<string, number> = {};
  for (const row of rows) {
    const key = `v${row.templateVersion.version} ${row.phase}${row.ownerKey ? " claimed" : ""}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** What the instance reconciler writes when Flux reports a starting member installed. */
async function turnReady(uuids: string[]): Promise<void> {
  await db().instance.updateMany({ where: { uuid: { in: uuids } }, data: { phase: "Available", step: "ready", readyAt: new Date() } });
}

async function startingOf(templateId: string, version: number): Promise<string[]> {
  const rows = await db().instance.findMany({
    where: { templateId, deletedAt: null, phase: { in: ["Pending", "Provisioning"] }, templateVersion: { version } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((row) => row.uuid);
}

/** Live instances of the template, as maxSize counts them. */
const liveOf = (templateId: string) => db().instance.count({ where: { templateId, deletedAt: null, phase: { not: "Expiring" } } });

/** Saves a new spec for a pool template made by createLaunchTemplate: its values gain `revision`. */
async function saveRevision(admin: Identity, name: string, revision: number) {
  return saveTemplateSpec(admin, {
    name,
    spec: {
      chart: { type: "helm", repoUrl: "https://charts.example.test", chart: "demo", revision: "1.0.0" },
      valuesTemplate: `host: {{ host }}\nrevision: ${revision}\n`,
      valueFiles: [],
      parameters: { type: "object", properties: {} },
      ownerClaim: "",
    },
    message: `revision ${revision}`,
  });
}

describe("a pool rolling forward to a new version", () => {
  let admin: Identity;
  beforeAll(async () => {
    admin = await createUser({ name: "rolla", roles: ["admin", "teacher", "student"] });
  });

  it("starts new members beside the ready old ones, ends each old one once a new one is ready, and never touches a claimed one", async () => {
    const pool = await createLaunchTemplate("roll-warm", { method: "pool", poolSize: 2 });
    await insertAvailableMembers(pool.id, 3);
    const [student] = await createStudents(1, "roller");
    const claimed = await launchInstance(student!, { template: "roll-warm" });
    expect(claimed.outcome).toBe("claimed");
    const claimedRow = await db().instance.findUniqueOrThrow({ where: { uuid: claimed.environment.uuid } });
    expect(await membersOf(pool.id)).toEqual({ "v1 Available": 2, "v1 Claimed claimed": 1 });

    expect((await saveRevision(admin, "roll-warm", 2)).version).toBe(2);
    const first = await reconcilePool(ctx, pool.id, 5);
    expect(first).toMatchObject({ removed: [], more: false });
    expect(first.created).toHaveLength(2);
    expect(await membersOf(pool.id)).toEqual({ "v1 Available": 2, "v1 Claimed claimed": 1, "v2 Pending": 2 });
    // Run again with nothing changed: nothing more happens.
    expect(await reconcilePool(ctx, pool.id, 5)).toMatchObject({ created: [], removed: [] });

    const [newA, newB] = await startingOf(pool.id, 2);
    await turnReady([newA!]);
    const second = await reconcilePool(ctx, pool.id, 5);
    expect(second.created).toEqual([]);
    expect(second.removed).toHaveLength(1);
    expect(await membersOf(pool.id)).toEqual({ "v1 Available": 1, "v1 Expiring": 1, "v1 Claimed claimed": 1, "v2 Available": 1, "v2 Pending": 1 });
    const ended = await db().instance.findUniqueOrThrow({ where: { uuid: second.removed[0] } });
    expect(ended).toMatchObject({ ownerKey: null, message: "Replaced by a member of version 2" });

    await turnReady([newB!]);
    expect((await reconcilePool(ctx, pool.id, 5)).removed).toHaveLength(1);
    expect(await membersOf(pool.id)).toEqual({ "v1 Expiring": 2, "v1 Claimed claimed": 1, "v2 Available": 2 });
    // The claimed member is exactly as it was.
    expect(await db().instance.findUniqueOrThrow({ where: { uuid: claimed.environment.uuid } })).toEqual(claimedRow);
    expect(await reconcilePool(ctx, pool.id, 5)).toMatchObject({ created: [], removed: [] });
  });

  it("replaces old members still starting at once, on the pass budget", async () => {
    const pool = await createLaunchTemplate("roll-cold", { method: "pool", poolSize: 3 });
    const filled = await reconcilePool(ctx, pool.id, 5);
    expect(filled.created).toHaveLength(3);
    await saveRevision(admin, "roll-cold", 2);
    // A budget of two: the three old members end at once, two new ones start now, the third on the next pass.
    const pass = await reconcilePool(ctx, pool.id, 2);
    expect(pass.removed.sort()).toEqual([...filled.created].sort());
    expect(pass.created).toHaveLength(2);
    expect(pass.more).toBe(true);
    expect(await membersOf(pool.id)).toEqual({ "v1 Expiring": 3, "v2 Pending": 2 });
    expect((await reconcilePool(ctx, pool.id, 2)).created).toHaveLength(1);
    expect(await membersOf(pool.id)).toEqual({ "v1 Expiring": 3, "v2 Pending": 3 });
  });

  it("with no room under maxSize, replaces one ready member at a time and never has more than maxSize live", async () => {
    const pool = await createLaunchTemplate("roll-tight", { method: "pool", poolSize: 2, poolMaxSize: 2 });
    await insertAvailableMembers(pool.id, 2);
    await saveRevision(admin, "roll-tight", 2);
    for (let round = 0; round < 2; round++) {
      const pass = await reconcilePool(ctx, pool.id, 5);
      expect(pass.removed).toHaveLength(1);
      expect(pass.created).toHaveLength(1);
      expect(await liveOf(pool.id)).toBe(2);
      // Nothing more until the replacement is ready.
      expect(await reconcilePool(ctx, pool.id, 5)).toMatchObject({ created: [], removed: [] });
      await turnReady(await startingOf(pool.id, 2));
    }
    expect(await membersOf(pool.id)).toEqual({ "v1 Expiring": 2, "v2 Available": 2 });
  });

  it("keeps the old members while the new version cannot be made into members", async () => {
    const pool = await createLaunchTemplate("roll-broken", { method: "pool", poolSize: 2 });
    await insertAvailableMembers(pool.id, 2);
    const v1 = await db().templateVersion.findFirstOrThrow({ where: { templateId: pool.id } });
    // A version whose base is gone (as after a base is deleted): it does not compose, so no member of it can be made.
    const { id, createdAt, parameters, ...spec } = v1;
    await db().templateVersion.create({ data: { ...spec, parameters: parameters ?? {}, version: 2, extendsName: "no-such-base", message: "broken" } });
    invalidateTemplateCache();
    const logs: string[] = [];
    const pass = await reconcilePool({ ...ctx, log: (line) => logs.push(line) }, pool.id, 5);
    expect(pass).toMatchObject({ created: [], removed: [] });
    expect(logs.join("\n")).toMatch(/pool roll-broken: cannot create members/);
    expect(await membersOf(pool.id)).toEqual({ "v1 Available": 2 });
  });

  it("saving a pool template's spec wakes its pool controller, and an on-demand template's does not", async () => {
    const pool = await createLaunchTemplate("roll-wake", { method: "pool", poolSize: 1 });
    const onDemand = await createLaunchTemplate("roll-plain");
    const payloads = await notificationsDuring(async () => {
      await saveRevision(admin, "roll-wake", 2);
      await saveTemplateSpec(admin, {
        name: "roll-plain",
        spec: { chart: { type: "helm", repoUrl: "https://charts.example.test", chart: "demo", revision: "1.0.0" }, valuesTemplate: "host: {{ host }}\nuser: {{ owner }}\nv: 2\n", valueFiles: [], parameters: {}, ownerClaim: "" },
      });
    });
    expect(payloads).toContain(POOL_WAKE_PREFIX + pool.id);
    expect(payloads).not.toContain(POOL_WAKE_PREFIX + onDemand.id);
  });
});

describe("a pool member that stops making progress", () => {
  it("is failed by the instance reconciler, which wakes the pool, and the pool replaces it with its report kept", async () => {
    const pool = await createLaunchTemplate("roll-stuck", { method: "pool", poolSize: 1 });
    const [created] = (await reconcilePool(ctx, pool.id, 5)).created;
    await db().instance.update({ where: { uuid: created! }, data: { phase: "Provisioning", step: "fetching", stepStartedAt: new Date(), namespace: `pool-roll-stuck-${created}` } });

    // Within the limit it waits; past it, the cluster still out of reach, the member fails and its pool is woken.
    const early = workerContext(limits.fetchTimeoutSeconds - 10);
    await expect(reconcileInstance(early, created!)).rejects.toThrow();
    expect(early.woken).toEqual([]);
    const late = workerContext(limits.fetchTimeoutSeconds + 1);
    expect(await reconcileInstance(late, created!)).toBeNull();
    const failed = await db().instance.findUniqueOrThrow({ where: { uuid: created! } });
    expect(failed.phase).toBe("Failed");
    expect(failed.message).toMatch(/^Gave up after 1 min without progress fetching the chart/);
    expect(late.woken).toEqual([pool.id]);

    const pass = await reconcilePool(ctx, pool.id, 5);
    expect(pass.removed).toEqual([created]);
    expect(pass.created).toHaveLength(1);
    expect((await db().instance.findUniqueOrThrow({ where: { uuid: created! } })).message).toBe(`Replaced after failing to start: ${failed.message}`);
  });
});

/** Collects NOTIFY payloads on the worker's channel while `fn` runs. */
async function notificationsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const payloads: string[] = [];
  client.on("notification", (n) => payloads.push(n.payload ?? ""));
  await client.query(`LISTEN ${WAKE_CHANNEL}`);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    await client.end();
  }
  return payloads;
}
