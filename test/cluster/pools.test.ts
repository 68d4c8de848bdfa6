import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { releaseName } from "@/lib/domain/naming";
import { FLUX } from "@/lib/engine/flux/manifests";
import { launchInstance } from "@/lib/services/instances/launch";
import { releaseInstance } from "@/lib/services/instances/release";
import { setupTestDatabase } from "@/test/support/database";
import { cluster, createClusterTemplate, describeWithCluster, fixtureChart, fluxLabel, kubeClient, startTestWorker, waitFor, type TestWorker } from "@/test/support/cluster";
import { createStudents } from "@/test/support/launch";

/**
 * A warm pool end to end: the worker's pool controller creates the members, Flux installs them, a launch
 * through the real service claims one, and the worker re-labels its objects with the owner and refills.
 */
const database = setupTestDatabase();

describeWithCluster("warm pools against a real control plane", () => {
  let worker: TestWorker;
  beforeAll(async () => {
    // Launching is allowed when a cluster is configured: the test's own control plane.
    process.env.KUBECONFIG = cluster!.kubeconfigPath;
    worker = await startTestWorker(database.url);
  });
  afterAll(async () => {
    await worker?.stop();
  });
  afterEach(({ task }) => {
    if (task.result?.state === "fail") console.log(`worker log:\n${worker.logs.join("\n")}`);
  });

  it(`fills the pool, a launch claims a warm member (${fluxLabel}), its objects get the owner, the pool refills`, async () => {
    const { template } = await createClusterTemplate("warmterm", fixtureChart("envdeck-test"), { method: "pool", valuesTemplate: "greeting: warm {{ uuid }}\n" });
    await db().template.update({ where: { id: template.id }, data: { poolSize: 2, poolMaxSize: 4 } });
    await db().$executeRaw`SELECT pg_notify('envdeck_worker', ${"pool:" + template.id})`;

    const available = () => db().instance.findMany({ where: { templateId: template.id, phase: "Available", ownerKey: null } });
    await waitFor("two Available members", async () => (await available()).length === 2, 90_000);

    const [student] = await createStudents(1, "pooluser");
    const { outcome, environment } = await launchInstance(student!, { template: "warmterm" });
    expect(outcome).toBe("claimed");
    expect(environment).toMatchObject({ phase: "Claimed", owner: student!.username, pooled: true });
    expect(environment.namespace).toBe(`pool-warmterm-${environment.uuid}`);

    const client = kubeClient();
    const name = releaseName("warmterm", environment.uuid);
    await waitFor("the owner label on the claimed member's HelmRelease", async () => {
      const release = await client.get({ ...FLUX.helmRelease, name, namespace: environment.namespace! });
      return release?.metadata?.labels?.["envdeck.dev/owner"] === student!.username;
    });
    await waitFor("the pool back at two Available members", async () => (await available()).length === 2, 90_000);
    expect(await db().instance.count({ where: { templateId: template.id, deletedAt: null } })).toBe(3);

    // Released: torn down (recycle is on), and the pool stays at its size.
    await releaseInstance(student!, { uuid: environment.uuid });
    await waitFor("the released member gone", async () => (await db().instance.findUniqueOrThrow({ where: { uuid: environment.uuid } })).deletedAt !== null, 90_000);
    expect(await available()).toHaveLength(2);
  });
});
