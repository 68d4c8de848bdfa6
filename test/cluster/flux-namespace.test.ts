import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { releaseName } from "@/lib/domain/naming";
import { FLUX, RELEASE_NAMESPACE_ANNOTATION } from "@/lib/engine/flux/manifests";
import { readSettings } from "@/lib/db/settings";
import { settingsFormOf } from "@/lib/domain/settings-form";
import { saveSettings } from "@/lib/services/settings/save-settings";
import { updateSettings } from "@/lib/services/settings/update-settings";
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
// The settings use case asks the cluster of the configuration, as the web does: this one.
if (cluster) Object.assign(process.env, { KUBECONFIG: cluster.kubeconfigPath, ENVDECK_ENGINE: "auto" });

/** The namespace the setting names: created here, as an admin creates (or already has) Flux's own. */
const FLUX_NAMESPACE = "envdeck-flux-releases";

/**
 * The Flux namespace setting against the real control plane: a launch with it set keeps its HelmRelease and
 * source there and its workloads in its own namespace; changing the setting back moves nothing, and ending
 * the environment removes the release from where it is, then its namespace.
 */
describeWithCluster("environments whose releases live in a Flux namespace", () => {
  let worker: TestWorker;
  beforeAll(async () => {
    await kubeClient().apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: FLUX_NAMESPACE } });
    worker = await startTestWorker(database.url);
  });
  afterAll(async () => {
    await worker?.stop();
    await updateSettings(SYSTEM_IDENTITY, { flux: null });
  });
  afterEach(({ task }) => {
    if (task.result?.state === "fail") console.log(`worker log:\n${worker.logs.join("\n")}`);
  });

  const instance = (uuid: string) => db().instance.findUniqueOrThrow({ where: { uuid } });

  it(`launch with the setting on → release and source in the Flux namespace, chart installed in the environment's (${fluxLabel}); setting off → it stays working there; ending it removes both`, async () => {
    await updateSettings(SYSTEM_IDENTITY, { flux: { namespace: FLUX_NAMESPACE } });
    const template = await createClusterTemplate("placed", fixtureChart("envdeck-test"));
    const row = await insertInstance(template, { ownerKey: "dana" });
    const client = kubeClient();
    const namespace = `dana-placed-${row.uuid}`;
    const name = releaseName("placed", row.uuid);

    const helmRelease = await waitFor("the HelmRelease in the Flux namespace", () => client.get({ ...FLUX.helmRelease, name, namespace: FLUX_NAMESPACE }));
    expect(helmRelease.spec).toMatchObject({ releaseName: name, targetNamespace: namespace, storageNamespace: namespace, chart: { spec: { sourceRef: { kind: "HelmRepository", name } } } });
    expect(await client.get({ ...FLUX.helmRepository, name, namespace: FLUX_NAMESPACE })).toBeDefined();
    expect(await client.get({ ...FLUX.helmRelease, name, namespace })).toBeUndefined();
    const ns = await client.get({ apiVersion: "v1", kind: "Namespace", name: namespace });
    expect(ns?.metadata?.annotations?.[RELEASE_NAMESPACE_ANNOTATION]).toBe(FLUX_NAMESPACE);

    await waitFor("phase Provisioning", async () => (await instance(row.uuid)).phase !== "Pending");
    if (!cluster!.flux) await actAsFlux(FLUX_NAMESPACE, name, { ready: true });
    const ready = await waitFor("phase Ready", async () => {
      const current = await instance(row.uuid);
      return current.phase === "Ready" && current;
    }, 90_000);
    expect(ready).toMatchObject({ namespace, health: "healthy", engineRef: `helm.toolkit.fluxcd.io/v2/HelmRelease/${FLUX_NAMESPACE}/${name}` });
    if (cluster!.flux) {
      // The chart's objects are in the environment's namespace, and Helm keeps its record of the release there.
      const configMap = await client.get({ apiVersion: "v1", kind: "ConfigMap", name: `${name}-settings`, namespace });
      expect((configMap as { data?: Record<string, string> }).data?.greeting).toBe(`hello from ${row.uuid}`);
      expect(await client.get({ apiVersion: "v1", kind: "ConfigMap", name: `${name}-settings`, namespace: FLUX_NAMESPACE })).toBeUndefined();
      const { items } = await client.list("v1", "Secret", `owner=helm,name=${name}`);
      expect(items.map((secret) => secret.metadata?.namespace)).toEqual([namespace]);
    }

    // The setting goes back to the environments' own namespaces, with a new interval that every environment
    // gets: once the release shows the interval, the worker has reconciled it with the new settings, in place.
    await updateSettings(SYSTEM_IDENTITY, { flux: { namespace: null, interval: "4m" } });
    await waitFor("the new interval on the release, where it was", async () => {
      const current = await client.get({ ...FLUX.helmRelease, name, namespace: FLUX_NAMESPACE });
      return current?.spec?.interval === "4m";
    }, 90_000);
    expect(await client.get({ ...FLUX.helmRelease, name, namespace })).toBeUndefined();
    if (!cluster!.flux) await actAsFlux(FLUX_NAMESPACE, name, { ready: true });
    await waitFor("still Ready", async () => {
      const current = await instance(row.uuid);
      return current.phase === "Ready" && current.health === "healthy" && current;
    }, 90_000);
    expect((await instance(row.uuid)).engineRef).toBe(ready.engineRef);

    // A launch now puts its release in its own namespace, as without the setting.
    const after = await insertInstance(template, { ownerKey: "eve" });
    const ownNamespace = `eve-placed-${after.uuid}`;
    await waitFor("the new launch's HelmRelease in its own namespace", () => client.get({ ...FLUX.helmRelease, name: releaseName("placed", after.uuid), namespace: ownNamespace }));

    // Ending the first removes its release (from the Flux namespace) and its source, then its namespace.
    await db().instance.update({ where: { uuid: row.uuid }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await db().$executeRaw`SELECT pg_notify('envdeck_worker', ${row.uuid})`;
    const deleted = await waitFor("the row marked deleted", async () => {
      const current = await instance(row.uuid);
      return current.deletedAt && current;
    }, 90_000);
    expect(deleted.phase).toBe("Expiring");
    expect(await client.get({ ...FLUX.helmRelease, name, namespace: FLUX_NAMESPACE })).toBeUndefined();
    expect(await client.get({ ...FLUX.helmRepository, name, namespace: FLUX_NAMESPACE })).toBeUndefined();
    expect(await client.get({ apiVersion: "v1", kind: "Namespace", name: namespace })).toBeUndefined();
    // The Flux namespace itself is nobody's to delete.
    expect((await client.get({ apiVersion: "v1", kind: "Namespace", name: FLUX_NAMESPACE }))?.metadata?.deletionTimestamp).toBeFalsy();
  });

  it("the settings form refuses a Flux namespace the cluster does not have, beside the field, and saves one it has", async () => {
    const form = settingsFormOf(await readSettings());
    const before = await db().setting.findMany({ orderBy: { key: "asc" } });
    await expect(saveSettings(SYSTEM_IDENTITY, { settings: { ...form, fluxNamespace: "no-such-namespace" }, confirm: true })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fields: { fluxNamespace: ["The cluster has no namespace no-such-namespace: create it (with Flux allowed to use it), or leave this empty."] },
    });
    expect(await db().setting.findMany({ orderBy: { key: "asc" } })).toEqual(before);
    const saved = await saveSettings(SYSTEM_IDENTITY, { settings: { ...form, fluxNamespace: FLUX_NAMESPACE } });
    expect(saved).toMatchObject({ changed: ["flux"], settings: { flux: { namespace: FLUX_NAMESPACE } } });
    await updateSettings(SYSTEM_IDENTITY, { flux: null });
  });

  it("garbage collection finds an orphan's release in the Flux namespace through its namespace, and removes both", async () => {
    const client = kubeClient();
    const installation = worker.context.installationId;
    const uuid = "0000cccc";
    const name = releaseName("ghost", uuid);
    const labels = { "envdeck.dev/managed": "true", "envdeck.dev/installation": installation, "envdeck.dev/template": "ghost", "envdeck.dev/instance": uuid };
    const namespace = `orphan-ghost-${uuid}`;
    await client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels, annotations: { [RELEASE_NAMESPACE_ANNOTATION]: FLUX_NAMESPACE } } });
    await client.apply({
      apiVersion: FLUX.helmRelease.apiVersion,
      kind: FLUX.helmRelease.kind,
      metadata: { name, namespace: FLUX_NAMESPACE, labels },
      spec: { interval: "5m", suspend: true, targetNamespace: namespace, storageNamespace: namespace, chart: { spec: { chart: "envdeck-test", sourceRef: { kind: "HelmRepository", name } } } },
    });

    const eager = await startTestWorker(database.url, { gcGraceMs: 0 });
    await worker.stop(); // hand leadership to the worker with no grace period
    try {
      await waitFor("the orphan's release and namespace to go", async () => {
        const release = await client.get({ ...FLUX.helmRelease, name, namespace: FLUX_NAMESPACE });
        const ns = await client.get({ apiVersion: "v1", kind: "Namespace", name: namespace });
        return !release && (!ns || Boolean(ns.metadata?.deletionTimestamp));
      }, 90_000);
    } finally {
      await eager.stop();
      worker = await startTestWorker(database.url);
    }
  });
});
