import { describe, expect, it } from "vitest";
import type { ControllerContext } from "@/lib/controllers/context";
import { databaseSettings } from "@/lib/controllers/settings";
import { runWorker } from "@/lib/controllers/worker";
import { db } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { getInstallationId, readSettings } from "@/lib/db/settings";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { updateSettings } from "@/lib/services/settings/update-settings";
import { createTemplate } from "@/lib/services/templates/create-template";
import { setupTestDatabase } from "@/test/support/database";
import { unreachableEngine } from "@/test/support/engine";

const database = setupTestDatabase();

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the worker reads settings live", () => {
  it("a settings change reaches a running worker at once, without a restart", async () => {
    const template = await createTemplate(SYSTEM_IDENTITY, {
      name: "live-pool",
      displayName: "Live pool",
      method: "pool",
      poolSize: 1,
      spec: { chart: { type: "helm", repoUrl: "https://charts.example.test", chart: "x" }, valuesTemplate: "host: {{ host }}\n", valueFiles: [], parameters: {}, ownerClaim: "" },
    });
    // Kept for an hour: only the wake-up a change sends can make the worker read the settings again.
    const settings = databaseSettings(3_600_000);
    // Pools are kept only with a cluster: this one is configured but down, so members are created and stay Pending.
    const installationId = await getInstallationId();
    const ctx: ControllerContext = {
      engine: unreachableEngine(installationId),
      noEngineReason: "",
      installationId,
      settings,
      now: () => new Date(),
      log: () => undefined,
    };
    const abort = new AbortController();
    // Periodic scans far apart: what happens here happens because of wake-ups.
    const running = runWorker({ databaseUrl: database.url, context: ctx, signal: abort.signal, leaderPollMs: 50, poolScanMs: 600_000, resyncMs: 600_000 });
    try {
      const members = () => db().instance.findMany({ where: { templateId: template.id }, orderBy: { createdAt: "asc" } });
      const [first] = await until("the first pool member", async () => (await members()).length === 1 && members());
      expect(first!.url).toBe(`https://live-pool-${first!.uuid}.envdeck.localhost/`);

      await updateSettings(SYSTEM_IDENTITY, { baseDomain: "live.example.edu", values: { colour: "green" } });
      await db().template.update({ where: { id: template.id }, data: { poolSize: 2 } });
      await db().$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + template.id})`;
      const [, second] = await until("a second member", async () => (await members()).length === 2 && members());
      expect(second!.url).toBe(`https://live-pool-${second!.uuid}.live.example.edu/`);
      expect(second!.values).toEqual({ host: `live-pool-${second!.uuid}.live.example.edu` });
      expect((await settings.read()).values).toEqual({ colour: "green" });
    } finally {
      abort.abort();
      await running;
    }
  });

  it("a shorter launch limit reaches a running worker at once and fails a launch already past it", async () => {
    const template = await createTemplate(SYSTEM_IDENTITY, {
      name: "live-limit",
      displayName: "Live limit",
      spec: { chart: { type: "helm", repoUrl: "https://charts.example.test", chart: "x" }, valuesTemplate: "", valueFiles: [], parameters: {}, ownerClaim: "" },
    });
    const version = await db().templateVersion.findFirstOrThrow({ where: { templateId: template.id } });
    // Queued two minutes ago: well within the default limit of ten minutes.
    const queued = await db().instance.create({
      data: { uuid: "11c0ffee", templateId: template.id, templateVersionId: version.id, ownerKey: "lee", createdAt: new Date(Date.now() - 120_000) },
    });
    const ctx: ControllerContext = {
      engine: null,
      noEngineReason: "no cluster in this test",
      installationId: await getInstallationId(),
      settings: databaseSettings(3_600_000),
      now: () => new Date(),
      log: () => undefined,
    };
    const abort = new AbortController();
    const running = runWorker({ databaseUrl: database.url, context: ctx, signal: abort.signal, leaderPollMs: 50, poolScanMs: 600_000, resyncMs: 600_000 });
    try {
      const row = () => db().instance.findUniqueOrThrow({ where: { id: queued.id } });
      await until("the worker to look at it", async () => (await row()).message === "no cluster in this test");
      expect((await row()).phase).toBe("Pending");

      await updateSettings(SYSTEM_IDENTITY, { launch: { installTimeoutSeconds: 60 } });
      const failed = await until("the launch to fail", async () => {
        const current = await row();
        return current.phase === "Failed" && current;
      });
      expect(failed.message).toMatch(/^Gave up after 1 min without progress applying the release to the cluster \(the limit is the setting launch\.installTimeoutSeconds\)/);
    } finally {
      abort.abort();
      await running;
      await updateSettings(SYSTEM_IDENTITY, { launch: null });
    }
  });

  it("Flux's wait setting: only true or false is accepted, and a stored value that is neither falls back to waiting", async () => {
    for (const wait of ["false", "no", 0, 1, null, {}]) {
      await expect(updateSettings(SYSTEM_IDENTITY, { flux: { wait } })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    }
    expect((await updateSettings(SYSTEM_IDENTITY, { flux: { wait: false } })).flux.wait).toBe(false);
    await db().setting.update({ where: { key: "flux" }, data: { value: { wait: "no" } } });
    const settings = databaseSettings(0);
    expect((await settings.read()).flux.wait).toBe(true);
    await updateSettings(SYSTEM_IDENTITY, { flux: null });
  });

  it("reads them again once they are older than the limit, and after a failed read", async () => {
    let now = 0;
    const settings = databaseSettings(1000, () => now);
    expect((await settings.read()).defaultQuota).toBe(5);
    await db().setting.upsert({ where: { key: "quota.defaultMaxInstancesPerUser" }, create: { key: "quota.defaultMaxInstancesPerUser", value: 7 }, update: { value: 7 } });
    now = 500;
    expect((await settings.read()).defaultQuota).toBe(5);
    now = 1500;
    expect((await settings.read()).defaultQuota).toBe(7);
    settings.invalidate();
    await db().setting.delete({ where: { key: "quota.defaultMaxInstancesPerUser" } });
    expect((await settings.read()).defaultQuota).toBe(5);
  });
});

describe("updating settings", () => {
  it("refuses bad input with a clear error and changes nothing", async () => {
    const before = await db().setting.findMany({ orderBy: { key: "asc" } });
    for (const [input, field] of [
      [{ baseDomain: "not a domain" }, "baseDomain"],
      [{ baseDomain: "x".repeat(300) }, "baseDomain"],
      [{ baseDomain: "evil.example/<script>" }, "baseDomain"],
      [{ defaultQuota: -1 }, "defaultQuota"],
      [{ defaultQuota: "5" }, "defaultQuota"],
      [{ defaultQuota: 1.5 }, "defaultQuota"],
      [{ values: ["a"] }, "values"],
      [{ flux: { interval: "soon" } }, "flux"],
      [{ flux: { unknown: true } }, "flux"],
      [{ connectionUrlTemplate: "https://{{ host" }, "connectionUrlTemplate"],
      [{ values: { note: "a\u0000b" } }, "values"],
      [{ surprise: 1 }, ""],
      [{ launch: { fetchTimeoutSeconds: 0 } }, "launch"],
      [{ launch: { fetchTimeoutSeconds: -180 } }, "launch"],
      [{ launch: { fetchTimeoutSeconds: 4 } }, "launch"],
      [{ launch: { installTimeoutSeconds: 86_401 } }, "launch"],
      [{ launch: { installTimeoutSeconds: 1.5 } }, "launch"],
      [{ launch: { installTimeoutSeconds: "600" } }, "launch"],
      [{ launch: { fetchTimeoutSeconds: Number.NaN } }, "launch"],
      [{ launch: { fetchTimeoutSeconds: Number.POSITIVE_INFINITY } }, "launch"],
      [{ launch: { retries: 3 } }, "launch"],
      [{ launch: 180 }, "launch"],
    ] as const) {
      const error = await updateSettings(SYSTEM_IDENTITY, input).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toMatchObject({ code: "INVALID_INPUT" });
      if (field) expect(Object.keys((error as { fields?: object }).fields ?? {}), JSON.stringify(input)).toContain(field);
    }
    await expect(updateSettings(null, { defaultQuota: 3 })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const student = { ...SYSTEM_IDENTITY, source: "local" as const, roles: ["student" as const] };
    await expect(updateSettings(student, { defaultQuota: 3 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db().setting.findMany({ orderBy: { key: "asc" } })).toEqual(before);
  });

  it("keeps each launch limit under a key of its own, with defaults, and resets them with null", async () => {
    expect((await readSettings()).launch).toEqual({ fetchTimeoutSeconds: 180, installTimeoutSeconds: 600 });
    expect((await updateSettings(SYSTEM_IDENTITY, { launch: { fetchTimeoutSeconds: 30 } })).launch).toEqual({ fetchTimeoutSeconds: 30, installTimeoutSeconds: 600 });
    expect((await updateSettings(SYSTEM_IDENTITY, { launch: { installTimeoutSeconds: 900 } })).launch).toEqual({ fetchTimeoutSeconds: 30, installTimeoutSeconds: 900 });
    const stored = await db().setting.findMany({ where: { key: { startsWith: "launch." } }, orderBy: { key: "asc" } });
    expect(stored.map((row) => [row.key, row.value])).toEqual([
      ["launch.fetchTimeoutSeconds", 30],
      ["launch.installTimeoutSeconds", 900],
    ]);
    expect((await updateSettings(SYSTEM_IDENTITY, { launch: { fetchTimeoutSeconds: null } })).launch).toEqual({ fetchTimeoutSeconds: 180, installTimeoutSeconds: 900 });
    expect((await updateSettings(SYSTEM_IDENTITY, { launch: null })).launch).toEqual({ fetchTimeoutSeconds: 180, installTimeoutSeconds: 600 });
    expect(await db().setting.count({ where: { key: { startsWith: "launch." } } })).toBe(0);
  });

  it("falls back to the default limit when a stored one is not usable", async () => {
    for (const bad of ["soon", -1, 0, 2.5, 10_000_000, null, { seconds: 30 }]) {
      await db().setting.upsert({ where: { key: "launch.fetchTimeoutSeconds" }, create: { key: "launch.fetchTimeoutSeconds", value: bad as never }, update: { value: bad as never } });
      expect((await readSettings()).launch.fetchTimeoutSeconds, JSON.stringify(bad)).toBe(180);
    }
    await db().setting.delete({ where: { key: "launch.fetchTimeoutSeconds" } });
  });

  it("writes an audit entry with the settings before and after", async () => {
    await updateSettings(SYSTEM_IDENTITY, { defaultQuota: 4 });
    const entry = await db().auditEvent.findFirstOrThrow({ where: { action: "settings.update" }, orderBy: { id: "desc" } });
    expect(entry).toMatchObject({ actorName: "system", actorId: null, before: { defaultQuota: 5 }, after: { defaultQuota: 4 } });
    await updateSettings(SYSTEM_IDENTITY, { defaultQuota: null });
  });
});
