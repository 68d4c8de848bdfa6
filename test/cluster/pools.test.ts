import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { releaseName } from "@/lib/domain/naming";
import { FLUX } from "@/lib/engine/flux/manifests";
import { launchInstance } from "@/lib/services/instances/launch";
import { releaseInstance } from "@/lib/services/instances/release";
import { saveTemplateSpec } from "@/lib/services/templates/save-spec";
import { setupTestDatabase } from "@/test/support/database";
import { cluster, createClusterTemplate, describeWithCluster, fixtureChart, fluxLabel, kubeClient, startTestWorker, waitFor, type TestWorker } from "@/test/support/cluster";
import { createStudents, createUser } from "@/test/support/launch";

/**
 * A warm pool end to end: the worker's pool controller creates the members, Flux installs them, a launch
 * through the real service claims one, and the worker re-labels its objects with the owner and refills. A new
 * version of the spec rolls the pool forward: new members installed by Flux replace the old ones.
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

  it(`rolls a pool of two forward to a new spec (${fluxLabel}): version 2 members turn Available, then the version 1 ones are torn down`, async () => {
    const { template } = await createClusterTemplate("rollterm", fixtureChart("envdeck-test"), { method: "pool", valuesTemplate: "greeting: v1 {{ uuid }}\n" });
    await db().template.update({ where: { id: template.id }, data: { poolSize: 2, poolMaxSize: 4 } });
    await db().$executeRaw`SELECT pg_notify('envdeck_worker', ${"pool:" + template.id})`;
    const members = () => db().instance.findMany({ where: { templateId: template.id, ownerKey: null }, include: { templateVersion: { select: { version: true } } } });
    const live = async () => (await members()).filter((m) => m.deletedAt === null && m.phase !== "Expiring");
    const availableOf = async (version: number) => (await live()).filter((m) => m.phase === "Available" && m.templateVersion.version === version);
    await waitFor("two Available members of version 1", async () => (await availableOf(1)).length === 2, 90_000);
    const old = (await availableOf(1)).map((m) => m.uuid).sort();

    const admin = await createUser({ name: "roll-admin", roles: ["admin", "teacher", "student"] });
    const saved = await saveTemplateSpec(admin, {
      name: "rollterm",
      spec: { chart: fixtureChart("envdeck-test"), valuesTemplate: "greeting: v2 {{ uuid }}\n", valueFiles: [], parameters: {}, ownerClaim: "" },
      message: "greet with v2",
    });
    expect(saved.version).toBe(2);

    // While it rolls, maxSize holds and the pool never has fewer than two members ready to claim.
    const samples: { live: number; ready: number }[] = [];
    await waitFor(
      "two Available members of version 2 and every version 1 member torn down",
      async () => {
        const now = await live();
        samples.push({ live: now.length, ready: now.filter((m) => m.phase === "Available").length });
        const gone = await db().instance.count({ where: { uuid: { in: old }, deletedAt: { not: null } } });
        return (await availableOf(2)).length === 2 && gone === 2;
      },
      120_000,
      200,
    );
    expect(samples.every((s) => s.live <= 4 && s.ready >= 2), JSON.stringify(samples)).toBe(true);
    expect(await live()).toHaveLength(2);
    const ended = await db().instance.findMany({ where: { uuid: { in: old } }, orderBy: { uuid: "asc" } });
    expect(ended.map((m) => m.message)).toEqual(["Replaced by a member of version 2", "Replaced by a member of version 2"]);

    // Flux installed the new values, and the old members' namespaces are gone from the cluster.
    const client = kubeClient();
    for (const member of await availableOf(2)) {
      const release = await client.get({ ...FLUX.helmRelease, name: releaseName("rollterm", member.uuid), namespace: member.namespace! });
      expect((release as { spec?: { values?: { greeting?: string } } })?.spec?.values?.greeting).toBe(`v2 ${member.uuid}`);
    }
    // A member is marked deleted only once its namespace is gone.
    for (const member of ended) expect(await client.get({ apiVersion: "v1", kind: "Namespace", name: member.namespace! })).toBeUndefined();
  });
});
