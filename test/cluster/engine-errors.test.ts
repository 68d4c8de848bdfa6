import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { setupTestDatabase } from "@/test/support/database";
import {
  cluster,
  controlCluster,
  createClusterTemplate,
  describeWithCluster,
  fixtureChart,
  insertInstance,
  startTestWorker,
  waitFor,
  type TestWorker,
} from "@/test/support/cluster";

const database = setupTestDatabase();

/**
 * Bad input on the cluster side: each failure must reach the instance (and the worker log) as a clear
 * message, the instance must not be lost, and the worker must keep running.
 */
describeWithCluster("cluster failures surface as clear messages, never a crash loop", () => {
  let worker: TestWorker | null = null;
  afterEach(async ({ task }) => {
    if (task.result?.state === "fail") console.log(`worker log:\n${worker?.logs.join("\n")}`);
    await worker?.stop();
    worker = null;
  });

  const messageOf = async (uuid: string, pattern: RegExp) =>
    waitFor(`a message matching ${pattern}`, async () => {
      const row = await db().instance.findUniqueOrThrow({ where: { uuid } });
      return pattern.test(row.message ?? "") && row;
    });

  async function launchWith(kubeconfigPath: string, name: string) {
    worker = await startTestWorker(database.url, { kubeconfigPath });
    const template = await createClusterTemplate(name, fixtureChart("envdeck-test"));
    return insertInstance(template, { ownerKey: "dana" });
  }

  it("an unreachable API server", async () => {
    const file = path.join(os.tmpdir(), `envdeck-unreachable-${process.pid}.kubeconfig`);
    const config = await readFile(cluster!.kubeconfigPath, "utf8");
    await writeFile(file, config.replace(/server: https:\/\/127\.0\.0\.1:\d+/, "server: https://127.0.0.1:9"));
    const row = await launchWith(file, "unreachable");
    const failed = await messageOf(row.uuid, /Cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
    expect(failed).toMatchObject({ phase: "Pending", health: "degraded" });
    expect(worker!.logs.join("\n")).toContain(`instance ${row.uuid}: Cannot reach the Kubernetes API server`);
  });

  it("expired or invalid credentials", async () => {
    const row = await launchWith(cluster!.invalidKubeconfigPath, "expired");
    const failed = await messageOf(row.uuid, /rejected Envdeck's credentials \(expired or invalid\)/);
    expect(failed.phase).toBe("Pending");
  });

  it("RBAC that forbids the worker's requests", async () => {
    const row = await launchWith(cluster!.restrictedKubeconfigPath, "forbidden");
    const failed = await messageOf(row.uuid, /may not .* \(see deploy\/rbac\.yaml\)/);
    expect(failed.message).toContain('User "envdeck-restricted" cannot');
    expect(failed.phase).toBe("Pending");
  });

  it("a cluster without the Flux CRDs", async () => {
    const bare = await controlCluster("apiserver/bare");
    const row = await launchWith(bare, "noflux");
    const failed = await messageOf(row.uuid, /are the Flux CRDs installed \(flux install\)\?/);
    expect(failed.phase).toBe("Pending");
  });

  it("a source URL the cluster rejects fails the instance with the API server's reason", async () => {
    worker = await startTestWorker(database.url);
    const template = await createClusterTemplate("badurl", fixtureChart("envdeck-test"));
    // Template validation refuses such URLs at save; this version row predates that rule.
    await db().templateVersion.update({ where: { id: template.version.id }, data: { chartRepoUrl: "ftp://charts.example.edu/" } });
    const row = await insertInstance(template, { ownerKey: "dana" });
    const failed = await waitFor("phase Failed", async () => {
      const current = await db().instance.findUniqueOrThrow({ where: { uuid: row.uuid } });
      return current.phase === "Failed" && current;
    });
    expect(failed.message).toMatch(/The cluster refused to apply HelmRepository .*spec\.url/);
  });

  it.skipIf(!cluster?.flux)("a chart repository Flux cannot fetch: still provisioning, with the source's message (real Flux controllers)", async () => {
    worker = await startTestWorker(database.url);
    const template = await createClusterTemplate("nofetch", { type: "helm", repoUrl: "http://127.0.0.1:9/charts", chart: "envdeck-test", revision: "0.1.0" });
    const row = await insertInstance(template, { ownerKey: "dana" });
    const degraded = await messageOf(row.uuid, /Chart source: .*127\.0\.0\.1:9/);
    expect(degraded).toMatchObject({ phase: "Provisioning", health: "degraded" });
  });

  it("the worker keeps running through all of it: a good launch still succeeds afterwards", async () => {
    worker = await startTestWorker(database.url);
    const template = await createClusterTemplate("after", fixtureChart("envdeck-test"));
    const row = await insertInstance(template, { ownerKey: "dana" });
    const current = await waitFor("an applied instance", async () => {
      const r = await db().instance.findUniqueOrThrow({ where: { uuid: row.uuid } });
      return r.phase !== "Pending" && r;
    });
    expect(["Provisioning", "Ready"]).toContain(current.phase);
  });
});
