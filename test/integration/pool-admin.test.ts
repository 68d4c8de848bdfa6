import pg from "pg";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as poolRoute from "@/app/api/v1/templates/[name]/pool/route";
import type { ActionState } from "@/lib/auth/actions";
import { reconcilePool } from "@/lib/controllers/pools";
import { db } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import type { Identity } from "@/lib/domain/identity";
import { DEFAULT_LAUNCH_SETTINGS } from "@/lib/domain/settings";
import { launchInstance } from "@/lib/services/instances/launch";
import { getPoolState } from "@/lib/services/pools/get-pool-state";
import { recyclePool, type RecyclePoolResult } from "@/lib/services/pools/recycle-pool";
import { saveTemplateSpec } from "@/lib/services/templates/save-spec";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createStudents, createUser, insertAvailableMembers } from "@/test/support/launch";
import { testContext } from "@/test/support/controller";

/**
 * An admin following and recycling a warm pool: the use cases `getPoolState` and `recyclePool`, the route
 * `GET /api/v1/templates/{name}/pool` and the page's server action, against the real PostgreSQL. Every role
 * calls every one of them directly; bad input is refused and changes nothing. The pool controller's passes
 * are run by hand on a worker context whose cluster is configured but down (nothing here asks it).
 */

// Server actions run outside a Next.js request: the session answers with the identity the test names. The
// route is called with real personal tokens.
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));
const { recyclePoolAction } = await import("@/app/(staff)/admin/templates/[name]/actions");

allowLaunching();
const database = setupTestDatabase();

const ctx = testContext({ settings: { defaultQuota: 0 } });

const HOSTILE_NAMES = ["'; DROP TABLE instances; --", "../../etc/passwd", "<script>alert(1)</script>", "pool%00", "a".repeat(300), "POOL", "pool-\u202e", ""];

/** Everything a refused call must leave as it was: every instance row and the audit trail. */
async function snapshot() {
  const [instances, audit] = await Promise.all([db().instance.findMany({ orderBy: { uuid: "asc" } }), db().auditEvent.count()]);
  return { instances, audit };
}

async function saveRevision(admin: Identity, name: string, revision: number) {
  await saveTemplateSpec(admin, {
    name,
    spec: {
      chart: { type: "helm", repoUrl: "https://charts.example.test", chart: "demo", revision: "1.0.0" },
      valuesTemplate: `host: {{ host }}\nrevision: ${revision}\n`,
      valueFiles: [],
      parameters: { type: "object", properties: {} },
      ownerClaim: "",
    },
  });
}

type AnyAction<R = unknown> = (state: never, data: FormData) => Promise<ActionState<R>>;
function call<R>(action: AnyAction<R>, fields: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return action({ ok: false } as never, data);
}

/** Calls the route as Next does; `token` signs in as its owner, none is a caller signed out. */
async function getPool(name: string, token?: string) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const response = await poolRoute.GET(new Request(`http://envdeck.test/api/v1/templates/${encodeURIComponent(name)}/pool`, { headers }), {
    params: Promise.resolve({ name }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

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

describe("a pool as admins see it and recycle it", () => {
  let admin: Identity;
  let teacher: Identity;
  let student: Identity;
  let poolId: string;
  beforeAll(async () => {
    admin = await createUser({ name: "padmin", roles: ["admin", "teacher", "student"] });
    teacher = await createUser({ name: "pteacher", roles: ["teacher", "student"] });
    student = await createUser({ name: "pstudent" });
    poolId = (await createLaunchTemplate("lab-pool", { method: "pool", poolSize: 2, poolMaxSize: 6 })).id;
    await createLaunchTemplate("lab-ondemand");
    await createLaunchTemplate("lab-base", { isBase: true });
  });

  it("shows members by version while a new version replaces the old ones, with the last failure and what ended lately", async () => {
    const [first, second, third] = await insertAvailableMembers(poolId, 3);
    // Someone claims one (the oldest); another fails to start and is replaced with its report kept.
    const [claimer] = await createStudents(1, "pool-claimer");
    const claim = await launchInstance(claimer!, { template: "lab-pool" });
    expect(claim.environment.uuid).toBe(first);
    await db().instance.update({ where: { uuid: third! }, data: { phase: "Failed", message: "Helm install failed: timed out waiting for the condition" } });
    const refill = await reconcilePool(ctx, poolId, 5);
    expect(refill.removed).toEqual([third]);

    // Version 2: the old member still starting ends at once, the ready one stays until a replacement is ready.
    await saveRevision(admin, "lab-pool", 2);
    expect(await reconcilePool(ctx, poolId, 5)).toMatchObject({ removed: refill.created, created: [expect.any(String), expect.any(String)] });
    const state = await getPoolState(admin, { name: "lab-pool" });
    expect(state).toMatchObject({
      name: "lab-pool",
      currentVersion: 2,
      size: 2,
      desired: 2,
      maxSize: 6,
      liveInstances: 4,
      paused: null,
      rolling: true,
      totals: { available: 1, starting: 2, stuck: 0, failed: 0, claimed: 1, ending: 2 },
      versions: [
        { version: 2, current: true, beingReplaced: false, available: 0, starting: 2, claimed: 0 },
        { version: 1, current: false, beingReplaced: true, available: 1, starting: 0, claimed: 1, ending: 2 },
      ],
      recyclable: { all: 3, failed: 0, outdated: 1 },
      lastFailure: { uuid: third, version: 1, message: "Replaced after failing to start: Helm install failed: timed out waiting for the condition" },
      recent: [
        { uuid: refill.created[0], version: 1, message: "Replaced by a member of version 2" },
        { uuid: third, version: 1, message: expect.stringMatching(/^Replaced after failing to start: /) },
      ],
      sentence: "Pool: 1 of 2 warm members ready; 2 starting; replacing members of version 1.",
    });
    expect(Date.parse(state.observedAt)).not.toBeNaN();
    expect(state.versions[1]).toMatchObject({ available: 1 });
    expect(await db().instance.findUniqueOrThrow({ where: { uuid: second! } })).toMatchObject({ phase: "Available", ownerKey: null });
  });

  it("serves the same state on GET /api/v1/templates/{name}/pool to admins only", async () => {
    const adminToken = (await createApiToken(admin, { name: "pools" })).token;
    const ok = await getPool("lab-pool", adminToken);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: "lab-pool", currentVersion: 2, versions: [{ version: 2 }, { version: 1 }] });
    for (const who of [teacher, student]) {
      const refused = await getPool("lab-pool", (await createApiToken(who, { name: "pools" })).token);
      expect(refused).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
      expect(JSON.stringify(refused.body)).not.toContain("lab-pool");
    }
    expect(await getPool("lab-pool")).toMatchObject({ status: 401, body: { code: "UNAUTHENTICATED" } });
  });

  it("answers 404 for an unknown template, one that is not a pool, a base template, and hostile names, to the API and the use case alike", async () => {
    const token = (await createApiToken(admin, { name: "pools-404" })).token;
    for (const name of ["no-such-pool", "lab-ondemand", "lab-base", ...HOSTILE_NAMES]) {
      expect((await getPool(name, token)).status, name).toBe(404);
      await expect(getPoolState(admin, { name }), name).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(getPoolState(admin, { name: 42 as never })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getPoolState(admin, null as never)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses students, teachers and callers signed out, on the use cases and the action, and nothing changes", async () => {
    const before = await snapshot();
    for (const who of [teacher, student]) {
      await expect(getPoolState(who, { name: "lab-pool" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      for (const scope of ["all", "failed", "outdated"] as const) await expect(recyclePool(who, { name: "lab-pool", scope })).rejects.toMatchObject({ code: "FORBIDDEN" });
      session.identity = who;
      expect(await call(recyclePoolAction, { name: "lab-pool", scope: "all" })).toMatchObject({ ok: false, message: "You do not have permission to do that." });
    }
    await expect(getPoolState(null, { name: "lab-pool" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(recyclePool(null, { name: "lab-pool", scope: "all" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    session.identity = null;
    expect(await call(recyclePoolAction, { name: "lab-pool", scope: "all" })).toMatchObject({ ok: false, message: "Your session has ended. Please sign in again." });
    // A refusal says nothing about whether the template exists.
    await expect(recyclePool(student, { name: "no-such-pool", scope: "all" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a scope that is not all, failed or outdated, and names that are not pools, changing nothing", async () => {
    const before = await snapshot();
    for (const scope of ["", "ALL", "everything", "failed ", "'; DELETE FROM instances; --", null, 7, ["all"], undefined]) {
      await expect(recyclePool(admin, { name: "lab-pool", scope: scope as never }), String(scope)).rejects.toMatchObject({
        code: "INVALID_INPUT",
        fields: { scope: ["Choose which members to recycle: all, failed, outdated."] },
      });
    }
    for (const name of ["no-such-pool", "lab-ondemand", "lab-base", ...HOSTILE_NAMES]) {
      await expect(recyclePool(admin, { name, scope: "all" }), name).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    session.identity = admin;
    expect(await call(recyclePoolAction, { name: "lab-pool", scope: "everything" })).toMatchObject({ ok: false, fieldErrors: { scope: [expect.stringContaining("all, failed, outdated")] } });
    expect(await call(recyclePoolAction, { name: "lab-pool", scope: "x".repeat(21) })).toMatchObject({ ok: false, fieldErrors: { scope: expect.any(Array) } });
    expect(await call(recyclePoolAction, { name: "", scope: "all" })).toMatchObject({ ok: false, fieldErrors: { name: expect.any(Array) } });
    expect(await call(recyclePoolAction, { name: "lab-ondemand", scope: "all" })).toMatchObject({ ok: false, message: 'Template "lab-ondemand" is not a warm pool.' });
    expect(await snapshot()).toEqual(before);
  });

  it("recycles the outdated members: they end as the controller ends members, with an audit entry and wake-ups, and the pool replaces them", async () => {
    const outdated = await db().instance.findMany({ where: { templateId: poolId, ownerKey: null, phase: "Available", templateVersion: { version: 1 } } });
    expect(outdated).toHaveLength(1);
    const claimed = await db().instance.findFirstOrThrow({ where: { templateId: poolId, phase: "Claimed" } });
    let result: RecyclePoolResult | undefined;
    const payloads = await notificationsDuring(async () => {
      result = await recyclePool(admin, { name: "lab-pool", scope: "outdated" });
    });
    expect(result).toEqual({ scope: "outdated", ended: [outdated[0]!.uuid] });
    expect(payloads).toEqual(expect.arrayContaining([outdated[0]!.uuid, POOL_WAKE_PREFIX + poolId]));
    expect(await db().instance.findUniqueOrThrow({ where: { uuid: outdated[0]!.uuid } })).toMatchObject({ phase: "Expiring", ownerKey: null, message: "Recycled by padmin (members of older versions)" });
    expect(await db().instance.findUniqueOrThrow({ where: { id: claimed.id } })).toEqual(claimed);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "pool.recycle" }, orderBy: { at: "desc" } });
    expect(audit).toMatchObject({
      actorName: "padmin",
      objectType: "template",
      objectId: poolId,
      before: { members: [{ uuid: outdated[0]!.uuid, version: 1, phase: "Available" }] },
      after: { scope: "outdated", ended: 1 },
    });

    // Nothing of that kind left: nothing ends, and nothing is audited.
    const audits = await db().auditEvent.count();
    expect(await recyclePool(admin, { name: "lab-pool", scope: "outdated" })).toEqual({ scope: "outdated", ended: [] });
    expect(await db().auditEvent.count()).toBe(audits);
    expect((await getPoolState(admin, { name: "lab-pool" })).rolling).toBe(false);
  });

  it("recycles failed and stuck members only with the failed scope, and every unclaimed one with all, never a claimed one", async () => {
    const starting = await db().instance.findMany({ where: { templateId: poolId, ownerKey: null, phase: "Pending" }, orderBy: { createdAt: "asc" } });
    expect(starting).toHaveLength(2);
    // One is stuck: applying for longer than the install limit.
    const stuckSince = new Date(Date.now() - (DEFAULT_LAUNCH_SETTINGS.installTimeoutSeconds + 5) * 1000);
    await db().instance.update({ where: { id: starting[0]!.id }, data: { createdAt: stuckSince } });
    expect((await getPoolState(admin, { name: "lab-pool" })).recyclable).toEqual({ all: 2, failed: 1, outdated: 0 });
    session.identity = admin;
    expect(await call(recyclePoolAction, { name: "lab-pool", scope: "failed" })).toEqual({ ok: true, result: { scope: "failed", ended: [starting[0]!.uuid] } });

    await reconcilePool(ctx, poolId, 5);
    const claimed = await db().instance.findFirstOrThrow({ where: { templateId: poolId, phase: "Claimed" } });
    const unclaimed = await db().instance.count({ where: { templateId: poolId, ownerKey: null, deletedAt: null, phase: { not: "Expiring" } } });
    const all = await recyclePool(admin, { name: "lab-pool", scope: "all" });
    expect(all.ended).toHaveLength(unclaimed);
    expect(await db().instance.count({ where: { templateId: poolId, ownerKey: null, deletedAt: null, phase: { not: "Expiring" } } })).toBe(0);
    expect(await db().instance.findUniqueOrThrow({ where: { id: claimed.id } })).toEqual(claimed);
    // The pool controller fills it again with members of the current version.
    expect((await reconcilePool(ctx, poolId, 5)).created).toHaveLength(2);
    expect((await getPoolState(admin, { name: "lab-pool" })).versions[0]).toMatchObject({ version: 2, current: true, starting: 2 });
  });

  it("never ends a member that a launch claims at the same moment", async () => {
    const racing = await createLaunchTemplate("race-pool", { method: "pool", poolSize: 12 });
    await insertAvailableMembers(racing.id, 12);
    const students = await createStudents(12, "race-claimer");
    const [launches, recycled] = await Promise.all([Promise.allSettled(students.map((s) => launchInstance(s, { template: "race-pool" }))), recyclePool(admin, { name: "race-pool", scope: "all" })]);
    const claimedUuids = launches.flatMap((l) => (l.status === "fulfilled" && l.value.outcome === "claimed" ? [l.value.environment.uuid] : []));
    expect(claimedUuids.filter((uuid) => recycled.ended.includes(uuid))).toEqual([]);
    const rows = await db().instance.findMany({ where: { uuid: { in: claimedUuids } } });
    expect(rows.every((row) => row.phase === "Claimed" && row.ownerKey !== null)).toBe(true);
    expect(claimedUuids.length + recycled.ended.length).toBe(12);
  });
});
