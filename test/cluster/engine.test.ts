import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { releaseName } from "@/lib/domain/naming";
import { FLUX } from "@/lib/engine/flux/manifests";
import { setupTestDatabase } from "@/test/support/database";
import {
  actAsFlux,
  cluster,
  createClusterTemplate,
  describeWithCluster,
  fixtureChart,
  fluxLabel,
  insertInstance,
  kubeClient,
  startTestWorker,
  waitFor,
  type TestWorker,
} from "@/test/support/cluster";

const database = setupTestDatabase();

describeWithCluster("the worker against a real control plane", () => {
  let worker: TestWorker;
  beforeAll(async () => {
    worker = await startTestWorker(database.url);
  });
  afterAll(async () => {
    await worker?.stop();
  });
  afterEach(({ task }) => {
    if (task.result?.state === "fail") console.log(`worker log:\n${worker.logs.join("\n")}`);
  });

  const instance = (uuid: string) => db().instance.findUniqueOrThrow({ where: { uuid } });

  it(`launch → Namespace, HelmRepository and HelmRelease as specified → HelmRelease Ready (${fluxLabel}) → instance Ready with its URL`, async () => {
    const template = await createClusterTemplate("webterm", fixtureChart("envdeck-test"));
    const row = await insertInstance(template, { ownerKey: "alice" });
    const client = kubeClient();
    const namespace = `alice-webterm-${row.uuid}`;
    const name = releaseName("webterm", row.uuid);
    const installation = worker.context.installationId;

    const helmRelease = await waitFor("the HelmRelease", () => client.get({ ...FLUX.helmRelease, name, namespace }));
    expect(helmRelease.metadata?.labels).toMatchObject({
      "envdeck.dev/managed": "true",
      "envdeck.dev/installation": installation,
      "envdeck.dev/owner": "alice",
      "envdeck.dev/template": "webterm",
      "envdeck.dev/instance": row.uuid,
      "envdeck.dev/pooled": "false",
    });
    expect(helmRelease.spec).toMatchObject({
      releaseName: name,
      chart: { spec: { chart: "envdeck-test", version: "0.1.0", sourceRef: { kind: "HelmRepository", name } } },
      values: { greeting: `hello from ${row.uuid}` },
      install: { remediation: { retries: 0 } },
    });
    const managedFields = (helmRelease.metadata as { managedFields?: { manager: string }[] }).managedFields ?? [];
    expect(managedFields.map((f) => f.manager)).toContain("envdeck");
    const source = await client.get({ ...FLUX.helmRepository, name, namespace });
    expect(source?.spec).toMatchObject({ url: fixtureChart("envdeck-test").repoUrl, interval: "5m" });
    const ns = await client.get({ apiVersion: "v1", kind: "Namespace", name: namespace });
    expect(ns?.metadata?.labels?.["envdeck.dev/installation"]).toBe(installation);

    await waitFor("phase Provisioning", async () => (await instance(row.uuid)).phase !== "Pending");
    if (!cluster!.flux) await actAsFlux(namespace, name, { ready: true });

    const ready = await waitFor("phase Ready", async () => {
      const current = await instance(row.uuid);
      return current.phase === "Ready" && current;
    });
    expect(ready).toMatchObject({
      namespace,
      url: `https://webterm-${row.uuid}.envdeck.localhost/`,
      health: "healthy",
      step: "ready",
      engineRef: `helm.toolkit.fluxcd.io/v2/HelmRelease/${namespace}/${name}`,
    });
    expect(ready.readyAt).toBeInstanceOf(Date);
    if (cluster!.flux) {
      // The chart really was installed: its ConfigMap carries the rendered value.
      const configMap = await client.get({ apiVersion: "v1", kind: "ConfigMap", name: `${name}-settings`, namespace });
      expect((configMap as { data?: Record<string, string> }).data?.greeting).toBe(`hello from ${row.uuid}`);
    }
  });

  it(`a chart whose install fails → Failed with Flux's message (${fluxLabel})`, async () => {
    const template = await createClusterTemplate("broken", fixtureChart("envdeck-broken"));
    const row = await insertInstance(template, { ownerKey: "bob" });
    const namespace = `bob-broken-${row.uuid}`;
    if (!cluster!.flux) {
      await waitFor("the HelmRelease", () => kubeClient().get({ ...FLUX.helmRelease, name: releaseName("broken", row.uuid), namespace }));
      await actAsFlux(namespace, releaseName("broken", row.uuid), {
        failed: "Helm install failed for release x: execution error at (envdeck-broken/templates/broken.yaml:1:3): envdeck-broken refuses to install (fixture)",
      });
    }
    const failed = await waitFor("phase Failed", async () => {
      const current = await instance(row.uuid);
      return current.phase === "Failed" && current;
    }, 90_000);
    expect(failed.health).toBe("failed");
    // The step it stopped at stays, for the progress timeline: the chart was fetched, installing failed.
    expect(failed.step).toBe("installing");
    expect(failed.message).toContain("envdeck-broken refuses to install (fixture)");
    expect(worker.logs.join("\n")).toContain(`instance ${row.uuid}: Provisioning → Failed`);
  });

  it("expiry → the HelmRelease, then the Namespace, are gone and the row is marked deleted", async () => {
    const template = await createClusterTemplate("expiring", fixtureChart("envdeck-test"));
    const row = await insertInstance(template, { ownerKey: "carol", expiresAt: new Date(Date.now() + 4000) });
    const namespace = `carol-expiring-${row.uuid}`;
    const name = releaseName("expiring", row.uuid);
    const client = kubeClient();
    await waitFor("the HelmRelease", () => client.get({ ...FLUX.helmRelease, name, namespace }));
    if (!cluster!.flux) await actAsFlux(namespace, name, { ready: true });

    const deleted = await waitFor("the row marked deleted", async () => {
      const current = await instance(row.uuid);
      return current.deletedAt && current;
    }, 90_000);
    expect(deleted.phase).toBe("Expiring");
    expect(await client.get({ ...FLUX.helmRelease, name, namespace })).toBeUndefined();
    expect(await client.get({ apiVersion: "v1", kind: "Namespace", name: namespace })).toBeUndefined();
  });

  it("garbage collection removes managed objects without a live row after the grace period, and nobody else's", async () => {
    const client = kubeClient();
    const installation = worker.context.installationId;
    const labels = (id: string, uuid: string) => ({
      "envdeck.dev/managed": "true",
      "envdeck.dev/installation": id,
      "envdeck.dev/template": "ghost",
      "envdeck.dev/instance": uuid,
    });
    await client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "orphan-ghost-0000aaaa", labels: labels(installation, "0000aaaa") } });
    await client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "other-portal-0000bbbb", labels: labels("edotherportal", "0000bbbb") } });
    // This worker uses a 60 s grace period: a fresh orphan survives it.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await client.get({ apiVersion: "v1", kind: "Namespace", name: "orphan-ghost-0000aaaa" }))?.metadata?.deletionTimestamp).toBeFalsy();

    const eager = await startTestWorker(database.url, { gcGraceMs: 0 });
    await worker.stop(); // hand leadership to the worker with no grace period
    await waitFor("the orphan to be deleted", async () => {
      const ns = await client.get({ apiVersion: "v1", kind: "Namespace", name: "orphan-ghost-0000aaaa" });
      return !ns || Boolean(ns.metadata?.deletionTimestamp);
    });
    const other = await client.get({ apiVersion: "v1", kind: "Namespace", name: "other-portal-0000bbbb" });
    expect(other?.metadata?.deletionTimestamp).toBeFalsy();
    expect(eager.logs.join("\n")).toContain("garbage collection: removing orphan-ghost-0000aaaa");
    await eager.stop();
    worker = await startTestWorker(database.url);
  });
});
