import { afterEach, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { FLUX, installationSelector } from "@/lib/engine/flux/manifests";
import { getInstallationId } from "@/lib/db/settings";
import { setupTestDatabase } from "@/test/support/database";
import {
  actAsFlux,
  cluster,
  controlCluster,
  createClusterTemplate,
  describeWithCluster,
  fixtureChart,
  fluxLabel,
  insertInstance,
  kubeClient,
  startTestWorker,
  startWorkerProcess,
  waitFor,
  type TestWorker,
  type WorkerProcess,
} from "@/test/support/cluster";

const database = setupTestDatabase();

describeWithCluster(`worker resilience (${fluxLabel})`, () => {
  const processes: WorkerProcess[] = [];
  let inProcess: TestWorker | null = null;
  afterEach(async ({ task }) => {
    if (task.result?.state === "fail") {
      for (const p of processes) console.log(`worker process output:\n${p.output()}`);
      if (inProcess) console.log(`worker log:\n${inProcess.logs.join("\n")}`);
    }
    for (const p of processes.splice(0)) await p.kill("SIGKILL");
    await inProcess?.stop();
    inProcess = null;
  });

  const worker = () => {
    const started = startWorkerProcess(database.url);
    processes.push(started);
    return started;
  };

  /** With the real controllers nothing to do; otherwise mark every applied, not yet ready release Ready. */
  async function flux() {
    if (cluster!.flux) return;
    const client = kubeClient();
    const { items } = await client.list(FLUX.helmRelease.apiVersion, FLUX.helmRelease.kind, installationSelector(await getInstallationId()));
    for (const hr of items) {
      const ready = (hr.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      if (!ready) await actAsFlux(hr.metadata!.namespace!, hr.metadata!.name!, { ready: true }).catch(() => undefined);
    }
  }

  async function allReady(uuids: string[]) {
    return waitFor(
      `${uuids.length} instances Ready`,
      async () => {
        await flux();
        const rows = await db().instance.findMany({ where: { uuid: { in: uuids } } });
        return rows.length === uuids.length && rows.every((r) => r.phase === "Ready") && rows;
      },
      90_000,
      250,
    );
  }

  /** Every managed Namespace and HelmRelease of this installation belongs to exactly one live row. */
  async function expectNoDuplicatesOrOrphans(uuids: string[]) {
    const client = kubeClient();
    const selector = installationSelector(await getInstallationId());
    const namespaces = (await client.list("v1", "Namespace", selector)).items.filter((n) => !n.metadata?.deletionTimestamp);
    const releases = (await client.list(FLUX.helmRelease.apiVersion, FLUX.helmRelease.kind, selector)).items;
    const label = (o: { metadata?: { labels?: Record<string, string> } }) => o.metadata?.labels?.["envdeck.dev/instance"];
    expect(namespaces.map(label).sort()).toEqual([...uuids].sort());
    expect(releases.map(label).sort()).toEqual([...uuids].sort());
    const rows = await db().instance.findMany({ where: { deletedAt: null } });
    expect(rows.map((r) => r.uuid).sort()).toEqual([...uuids].sort());
  }

  it("a worker killed mid-provision and restarted converges: no duplicates, no orphans", async () => {
    const template = await createClusterTemplate("crash", fixtureChart("envdeck-test"));
    const first = worker();
    const rows = [];
    for (let i = 0; i < 8; i++) rows.push(await insertInstance(template, { ownerKey: `user${i}` }));
    // Kill it (no clean shutdown) as soon as it has started applying.
    await waitFor("the first instance applied", async () => (await db().instance.count({ where: { phase: { not: "Pending" } } })) > 0, 60_000, 20);
    await first.kill("SIGKILL");
    const atCrash = await db().instance.groupBy({ by: ["phase"], _count: true });
    console.log(`phases when the worker was killed: ${JSON.stringify(atCrash)}`);

    for (let i = 8; i < 10; i++) rows.push(await insertInstance(template, { ownerKey: `user${i}` }));
    worker();
    await allReady(rows.map((r) => r.uuid));
    await expectNoDuplicatesOrOrphans(rows.map((r) => r.uuid));
  });

  it("two workers: one acts, the other stands by and takes over when the first dies", async () => {
    const template = await createClusterTemplate("pair", fixtureChart("envdeck-test"));
    const a = worker();
    await waitFor("the first worker to lead", async () => a.output().includes("became the active worker"));
    const b = worker();
    await waitFor("the second worker to stand by", async () => b.output().includes("another worker is active: standing by"));

    const before = [await insertInstance(template, { ownerKey: "erin" }), await insertInstance(template, { ownerKey: "frank" })];
    await allReady(before.map((r) => r.uuid));
    expect(a.output()).toContain(`instance ${before[0]!.uuid}: Pending → Provisioning`);
    expect(b.output()).not.toMatch(/instance [0-9a-f]{8}:/);
    expect(b.output()).not.toContain("became the active worker");

    await a.kill("SIGKILL");
    await waitFor("the standby to take over", async () => b.output().includes("became the active worker"), 30_000);
    const after = await insertInstance(template, { ownerKey: "grace" });
    await allReady([after.uuid]);
    expect(b.output()).toContain(`instance ${after.uuid}: Pending → Provisioning`);
  });

  it("the API server stopped for 30 s: the worker recovers by itself", async () => {
    inProcess = await startTestWorker(database.url);
    const template = await createClusterTemplate("outage", fixtureChart("envdeck-test"));
    const before = await insertInstance(template, { ownerKey: "heidi" });
    await allReady([before.uuid]);

    await controlCluster("apiserver/stop");
    const stoppedAt = Date.now();
    const during = await insertInstance(template, { ownerKey: "ivan" });
    await waitFor("the outage on the instance", async () => {
      const row = await db().instance.findUniqueOrThrow({ where: { uuid: during.uuid } });
      return /Cannot reach the Kubernetes API server/.test(row.message ?? "") && row;
    });
    await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - stoppedAt))));
    await controlCluster("apiserver/start");

    await allReady([before.uuid, during.uuid]);
    const log = inProcess.logs.join("\n");
    expect(log).toContain("watching HelmReleases failed");
    expect(log).toContain("watching HelmReleases again");
    // Retries back off and the log says it once, not once per retry.
    expect(inProcess.logs.filter((line) => line.startsWith(`instance ${during.uuid}: Cannot reach`))).toHaveLength(1);
    // Half a minute of outage, then the API server's restart and two installs: on a busy two-core machine the
    // whole took past the suite's two minutes.
  }, 300_000);
});
