/**
 * Engine latency benchmark (issue: "Kubernetes engine on Flux"): how long the worker takes
 *   (a) from an instance row being committed (and NOTIFY sent) to its HelmRelease existing in the cluster, and
 *   (b) from the HelmRelease turning Ready to the instance row reaching phase Ready,
 * over N instances, first arriving one at a time (steady) and then all at once (burst). Runs the real worker
 * against embedded PostgreSQL and the local control plane; the benchmark itself marks each HelmRelease Ready
 * (as helm-controller would) so that (b) measures Envdeck alone, not Helm.
 *
 *   npm run bench:engine [-- --instances 100]      prints a table and one JSON line
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { parseConfig } from "@/lib/config";
import { createControllerContext } from "@/lib/controllers/setup";
import { runWorker } from "@/lib/controllers/worker";
import { closeDb, createPrismaClient, setDb } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { releaseName } from "@/lib/domain/naming";
import { FLUX, installationSelector } from "@/lib/engine/flux/manifests";
import { KubeClient } from "@/lib/engine/kube/client";
import { Informer } from "@/lib/engine/kube/informer";
import { createTemplate } from "@/lib/services/templates/create-template";
import { buildBinaries, findBinaries, startControlPlane, writeHelmReleaseStatus } from "../cluster/control-plane";
import { freePort } from "../free-port";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";

const count = Number(process.argv[process.argv.indexOf("--instances") + 1]) || 100;
const log = (line: string) => console.error(`[bench] ${line}`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "envdeck-bench-"));
  await chmod(dir, 0o755);
  const database = await startEmbeddedDatabase({ dataDir: path.join(dir, "pg"), port: await freePort() });
  await migrate(database.url);
  const prisma = createPrismaClient(database.url, 10);
  setDb(prisma);
  const binaries = findBinaries() ?? (await buildBinaries(log));
  const controlPlane = await startControlPlane({ dir: path.join(dir, "cluster"), binaries, withFlux: false, log });

  const kc = new KubeConfig();
  kc.loadFromFile(controlPlane.kubeconfigPath);
  const client = new KubeClient(kc);
  const context = await createControllerContext(parseConfig({ KUBECONFIG: controlPlane.kubeconfigPath }), () => undefined);
  const { installationId } = context;
  const abort = new AbortController();
  const worker = runWorker({ databaseUrl: database.url, context, signal: abort.signal });

  const template = await createTemplate(SYSTEM_IDENTITY, {
    name: "bench",
    displayName: "Bench",
    spec: { chart: { type: "helm", repoUrl: "http://127.0.0.1:9/charts", chart: "bench", revision: "1.0.0" }, valuesTemplate: "", valueFiles: [], parameters: {}, ownerClaim: "" },
  });
  const version = await prisma.templateVersion.findFirstOrThrow({ where: { templateId: template.id } });

  // The benchmark's own watch: when each HelmRelease appears.
  const appliedAt = new Map<string, number>();
  const watcher = new Informer(client, {
    path: `/apis/${FLUX.helmRelease.apiVersion}/${FLUX.helmRelease.plural}`,
    apiVersion: FLUX.helmRelease.apiVersion,
    kind: FLUX.helmRelease.kind,
    labelSelector: installationSelector(installationId),
    onChange: (object, type) => {
      const uuid = object.metadata?.labels?.["envdeck.dev/instance"];
      if (uuid && type === "ADDED" && !appliedAt.has(uuid)) appliedAt.set(uuid, performance.now());
    },
  });
  watcher.start();
  await new Promise((r) => setTimeout(r, 1000));

  async function measure(label: string, spacingMs: number) {
    const createdAt = new Map<string, number>();
    const readyMarkedAt = new Map<string, number>();
    const phaseReadyAt = new Map<string, number>();
    const uuids: string[] = [];
    let n = 0;
    const insertAll = (async () => {
      for (let i = 0; i < count; i++) {
        const uuid = `${label === "steady" ? "a" : "b"}${(n++).toString(16).padStart(7, "0")}`;
        uuids.push(uuid);
        await prisma.$transaction(async (tx) => {
          await tx.instance.create({ data: { uuid, templateId: template.id, templateVersionId: version.id, ownerKey: `user${i}`, values: { n: i } } });
          await tx.$executeRaw`SELECT pg_notify('envdeck_worker', ${uuid})`;
        });
        createdAt.set(uuid, performance.now());
        if (spacingMs) await new Promise((r) => setTimeout(r, spacingMs));
      }
    })();

    // Act as helm-controller: mark each release Ready once it exists (after it is Provisioning in the DB, so the
    // Ready-to-Ready latency is not the apply path again).
    const flux = (async () => {
      const marked = new Set<string>();
      while (marked.size < count) {
        const provisioning = await prisma.instance.findMany({ where: { uuid: { in: uuids }, phase: "Provisioning" }, select: { uuid: true, namespace: true } });
        await Promise.all(
          provisioning
            .filter((row) => !marked.has(row.uuid))
            .map(async (row) => {
              marked.add(row.uuid);
              await writeHelmReleaseStatus(kc, row.namespace!, releaseName("bench", row.uuid), { ready: true });
              readyMarkedAt.set(row.uuid, performance.now());
            }),
        );
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const watchReady = (async () => {
      while (phaseReadyAt.size < count) {
        const ready = await prisma.instance.findMany({ where: { uuid: { in: uuids }, phase: "Ready" }, select: { uuid: true } });
        const now = performance.now();
        for (const { uuid } of ready) if (!phaseReadyAt.has(uuid)) phaseReadyAt.set(uuid, now);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await Promise.all([insertAll, flux, watchReady]);

    const applied = uuids.map((u) => appliedAt.get(u)! - createdAt.get(u)!);
    const ready = uuids.map((u) => phaseReadyAt.get(u)! - readyMarkedAt.get(u)!);
    return {
      mode: label,
      instances: count,
      rowToHelmReleaseMs: { p50: percentile(applied, 50), p95: percentile(applied, 95), max: Math.max(...applied) },
      helmReleaseReadyToPhaseReadyMs: { p50: percentile(ready, 50), p95: percentile(ready, 95), max: Math.max(...ready) },
    };
  }

  const results = [await measure("steady", 25), await measure("burst", 0)];
  const round = (v: number) => Math.round(v * 10) / 10;
  console.log("mode    instances  row→HelmRelease p50/p95 (ms)  HelmRelease Ready→phase Ready p50/p95 (ms)");
  for (const r of results) {
    console.log(
      `${r.mode.padEnd(7)} ${String(r.instances).padStart(9)}  ${`${round(r.rowToHelmReleaseMs.p50)} / ${round(r.rowToHelmReleaseMs.p95)}`.padStart(28)}  ${`${round(r.helmReleaseReadyToPhaseReadyMs.p50)} / ${round(r.helmReleaseReadyToPhaseReadyMs.p95)}`.padStart(42)}`,
    );
  }
  console.log(JSON.stringify({ benchmark: "engine-latency", cpus: os.cpus().length, results }));

  abort.abort();
  await worker;
  await watcher.stop();
  await closeDb(prisma);
  await controlPlane.stop();
  await database.stop();
  await rm(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error((error as Error).stack);
  process.exit(1);
});
