import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { db } from "@/lib/db/client";
import { releaseName } from "@/lib/domain/naming";
import { KubeConfig } from "@/lib/engine/kube/client";
import { kubeRequest } from "@/scripts/cluster/control-plane";
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
  kubeConfigFrom,
  startTestWorker,
  waitFor,
  type TestWorker,
} from "@/test/support/cluster";

const database = setupTestDatabase();

/** The worker running as the service account of deploy/rbac.yaml, with nothing more than it grants. */
describeWithCluster(`deploy/rbac.yaml grants the worker exactly enough (${fluxLabel})`, () => {
  let worker: TestWorker;
  beforeAll(async () => {
    const admin = kubeClient();
    const manifests = parseAllDocuments(await readFile(path.resolve(import.meta.dirname, "../../deploy/rbac.yaml"), "utf8"));
    for (const doc of manifests) await admin.apply(doc.toJS());

    const kc = kubeConfigFrom(cluster!.kubeconfigPath);
    const request = (await kubeRequest(kc, "POST", "/api/v1/namespaces/envdeck/serviceaccounts/envdeck-worker/token", {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: 3600 },
    })) as { status: { token: string } };
    const restricted = new KubeConfig();
    const current = kc.getCurrentCluster()!;
    restricted.loadFromOptions({
      clusters: [current],
      users: [{ name: "envdeck-worker", token: request.status.token }],
      contexts: [{ name: "envdeck-worker", cluster: current.name, user: "envdeck-worker" }],
      currentContext: "envdeck-worker",
    });
    const file = path.join(os.tmpdir(), `envdeck-rbac-${process.pid}.kubeconfig`);
    await writeFile(file, restricted.exportConfig(), { mode: 0o600 });
    worker = await startTestWorker(database.url, { kubeconfigPath: file, gcGraceMs: 0 });
  });
  afterAll(async () => {
    await worker?.stop();
  });

  it("launches, watches, tears down and collects garbage as envdeck-worker", async () => {
    const template = await createClusterTemplate("rbac", fixtureChart("envdeck-test"));
    const row = await insertInstance(template, { ownerKey: "judy", expiresAt: new Date(Date.now() + 60_000) });
    const namespace = `judy-rbac-${row.uuid}`;
    await waitFor("phase Provisioning", async () => (await db().instance.findUniqueOrThrow({ where: { uuid: row.uuid } })).phase === "Provisioning");
    if (!cluster!.flux) await actAsFlux(namespace, releaseName("rbac", row.uuid), { ready: true });
    await waitFor("phase Ready", async () => (await db().instance.findUniqueOrThrow({ where: { uuid: row.uuid } })).phase === "Ready", 90_000);

    await db().instance.update({ where: { uuid: row.uuid }, data: { expiresAt: new Date() } });
    await waitFor("teardown", async () => (await db().instance.findUniqueOrThrow({ where: { uuid: row.uuid } })).deletedAt, 90_000);
    expect(await kubeClient().get({ apiVersion: "v1", kind: "Namespace", name: namespace })).toBeUndefined();
    expect(worker.logs.filter((line) => /may not|forbidden/i.test(line))).toEqual([]);
  });
});
