import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { ControllerContext } from "@/lib/controllers/context";
import { reconcileInstance } from "@/lib/controllers/instances";
import { acquireLeadership, WAKE_CHANNEL } from "@/lib/controllers/leader";
import { runWorker } from "@/lib/controllers/worker";
import { db } from "@/lib/db/client";
import { NO_CLUSTER_MESSAGE } from "@/lib/engine/select";
import { getInstallationId, readSettings } from "@/lib/db/settings";
import { databaseSettings } from "@/lib/controllers/settings";
import { createTemplate } from "@/lib/services/templates/create-template";
import { setupTestDatabase } from "@/test/support/database";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";

const database = setupTestDatabase();

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("leader election on PostgreSQL", () => {
  it("gives the lock to one worker; the other stands by and takes over when the first lets go", async () => {
    const first = new AbortController();
    const second = new AbortController();
    const logs: string[] = [];
    const leaderA = await acquireLeadership({ databaseUrl: database.url, signal: first.signal, pollMs: 50 });
    expect(leaderA).not.toBeNull();
    let leaderB: Awaited<ReturnType<typeof acquireLeadership>> | undefined;
    const pendingB = acquireLeadership({ databaseUrl: database.url, signal: second.signal, pollMs: 50, log: (l) => logs.push(l) }).then((l) => (leaderB = l));
    await until(() => logs.includes("another worker is active: standing by"));
    await new Promise((r) => setTimeout(r, 300));
    expect(leaderB).toBeUndefined();

    await leaderA!.release();
    await pendingB;
    expect(leaderB).not.toBeNull();
    expect(logs).toContain("became the active worker");
    await leaderB!.release();
  });

  it("loses leadership when its connection dies, and a standby takes over", async () => {
    const abort = new AbortController();
    const leader = (await acquireLeadership({ databaseUrl: database.url, signal: abort.signal, pollMs: 50 }))!;
    // Kill the leader's backend from outside, as a crash or a network cut would.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = 727003 AND pid <> pg_backend_pid()");
    await admin.end();
    const reason = await leader.lost;
    expect(reason).toBeInstanceOf(Error);
    const next = await acquireLeadership({ databaseUrl: database.url, signal: abort.signal, pollMs: 50 });
    expect(next).not.toBeNull();
    await next!.release();
  });

  it("delivers NOTIFY wake-ups to the leader", async () => {
    const abort = new AbortController();
    const leader = (await acquireLeadership({ databaseUrl: database.url, signal: abort.signal, pollMs: 50 }))!;
    const received: string[] = [];
    leader.onWake((payload) => received.push(payload));
    await db().$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, 'abcd1234')`;
    await until(() => received.includes("abcd1234"));
    await leader.release();
  });

  it("stops when aborted while standing by", async () => {
    const holder = new AbortController();
    const leader = await acquireLeadership({ databaseUrl: database.url, signal: holder.signal, pollMs: 50 });
    const waiting = new AbortController();
    const pending = acquireLeadership({ databaseUrl: database.url, signal: waiting.signal, pollMs: 50 });
    setTimeout(() => waiting.abort(), 200);
    expect(await pending).toBeNull();
    await leader!.release();
  });
});

describe("without a cluster", () => {
  it("keeps launched instances Pending with the plain 'needs a cluster' message", async () => {
    const template = await createTemplate(SYSTEM_IDENTITY, {
      name: "nocluster",
      displayName: "No cluster",
      spec: { chart: { type: "helm", repoUrl: "https://charts.example.edu", chart: "x" }, valuesTemplate: "", valueFiles: [], parameters: {}, ownerClaim: "" },
    });
    const version = await db().templateVersion.findFirstOrThrow({ where: { templateId: template.id } });
    const uuid = randomBytes(4).toString("hex");
    await db().instance.create({ data: { uuid, templateId: template.id, templateVersionId: version.id, ownerKey: "alice" } });
    const ctx: ControllerContext = {
      engine: null,
      noEngineReason: NO_CLUSTER_MESSAGE,
      installationId: await getInstallationId(),
      settings: databaseSettings(),
      now: () => new Date(),
      log: () => undefined,
    };
    const abort = new AbortController();
    const running = runWorker({ databaseUrl: database.url, context: ctx, signal: abort.signal, leaderPollMs: 50 });
    await until(async () => (await db().instance.findUniqueOrThrow({ where: { uuid } })).message === NO_CLUSTER_MESSAGE);
    const row = await db().instance.findUniqueOrThrow({ where: { uuid } });
    expect(row).toMatchObject({ phase: "Pending", health: "degraded" });
    abort.abort();
    await running;
    // Reconciling again changes nothing; it only asks to look again when the launch's limit runs out.
    const updatedAt = row.updatedAt;
    const again = await reconcileInstance(ctx, uuid);
    expect(again).toBeGreaterThan(0);
    expect(again).toBeLessThanOrEqual(600_000);
    expect((await db().instance.findUniqueOrThrow({ where: { uuid } })).updatedAt).toEqual(updatedAt);
  });

  it("creates no pool members, says why once, and leaves the members it already has as they are", async () => {
    const pool = await createTemplate(SYSTEM_IDENTITY, {
      name: "nocluster-pool",
      displayName: "No cluster pool",
      method: "pool",
      poolSize: 2,
      spec: { chart: { type: "helm", repoUrl: "https://charts.example.edu", chart: "x" }, valuesTemplate: "host: {{ host }}\n", valueFiles: [], parameters: {}, ownerClaim: "" },
    });
    const retired = await createTemplate(SYSTEM_IDENTITY, {
      name: "nocluster-retired",
      displayName: "Lost its cluster",
      method: "pool",
      poolSize: 1,
      spec: { chart: { type: "helm", repoUrl: "https://charts.example.edu", chart: "x" }, valuesTemplate: "host: {{ host }}\n", valueFiles: [], parameters: {}, ownerClaim: "" },
    });
    // A member warmed while the portal still had its cluster; the template has since been disabled.
    const version = await db().templateVersion.findFirstOrThrow({ where: { templateId: retired.id } });
    const kept = await db().instance.create({
      data: { uuid: randomBytes(4).toString("hex"), templateId: retired.id, templateVersionId: version.id, pooled: true, phase: "Available", namespace: "pool-x", url: "https://x.test/" },
    });
    await db().template.update({ where: { id: retired.id }, data: { enabled: false } });
    const logs: string[] = [];
    const ctx: ControllerContext = {
      engine: null,
      noEngineReason: NO_CLUSTER_MESSAGE,
      installationId: await getInstallationId(),
      settings: databaseSettings(),
      now: () => new Date(),
      log: (line) => logs.push(line),
    };
    const abort = new AbortController();
    const running = runWorker({ databaseUrl: database.url, context: ctx, signal: abort.signal, leaderPollMs: 50, poolScanMs: 50 });
    try {
      await until(() => logs.some((line) => line.includes("pool members")));
      // Many pool scans later: still nothing created, and the reason said once.
      await new Promise((r) => setTimeout(r, 500));
      expect(await db().instance.count({ where: { templateId: pool.id } })).toBe(0);
      expect(logs.filter((line) => line.includes("pool members"))).toEqual([`no pool members are created: ${NO_CLUSTER_MESSAGE}`]);
      expect(await db().instance.findUniqueOrThrow({ where: { id: kept.id } })).toMatchObject({ phase: "Available", deletedAt: null, updatedAt: kept.updatedAt });
    } finally {
      abort.abort();
      await running;
    }
  });

  it("creates one installation id, however many processes ask at once", async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, () => getInstallationId()));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^ed[0-9a-f]{10}$/);
  });
});

describe("engine settings", () => {
  it("fall back to defaults, one by one, when a stored value is malformed", async () => {
    await db().setting.createMany({
      data: [
        { key: "flux", value: { interval: "every five minutes", timeout: "2m", remediationRetries: 99 } },
        { key: "baseDomain", value: 42 },
        { key: "connectionUrlTemplate", value: "x".repeat(5000) },
        { key: "values", value: ["not", "a", "mapping"] },
      ],
    });
    const settings = await readSettings();
    expect(settings.flux).toEqual({ interval: "5m", timeout: "5m", serviceAccountName: null, remediationRetries: 0, wait: true, namespace: null });
    expect(settings.baseDomain).toBe("envdeck.localhost");
    expect(settings.connectionUrlTemplate).toBeNull();
    expect(settings.values).toEqual({});
    await db().setting.update({ where: { key: "flux" }, data: { value: { interval: "10m", serviceAccountName: "deployer" } } });
    expect((await readSettings()).flux).toEqual({ interval: "10m", timeout: "5m", serviceAccountName: "deployer", remediationRetries: 0, wait: true, namespace: null });
    await db().setting.deleteMany({ where: { key: { in: ["flux", "baseDomain", "connectionUrlTemplate", "values"] } } });
  });
});
