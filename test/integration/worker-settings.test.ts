import { describe, expect, it } from "vitest";
import type { ControllerContext } from "@/lib/controllers/context";
import { databaseSettings } from "@/lib/controllers/settings";
import { runWorker } from "@/lib/controllers/worker";
import { db } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { getInstallationId } from "@/lib/db/settings";
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
      exposedClaims: [],
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

  it("writes an audit entry with the settings before and after", async () => {
    await updateSettings(SYSTEM_IDENTITY, { defaultQuota: 4 });
    const entry = await db().auditEvent.findFirstOrThrow({ where: { action: "settings.update" }, orderBy: { id: "desc" } });
    expect(entry).toMatchObject({ actorName: "system", actorId: null, before: { defaultQuota: 5 }, after: { defaultQuota: 4 } });
    await updateSettings(SYSTEM_IDENTITY, { defaultQuota: null });
  });
});
