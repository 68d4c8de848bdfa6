/**
 * Class-start benchmark: the first minute of a class, when every student presses Launch. For one pool template
 * (base size 0, on-demand fallback) it runs the same storm twice, without a warm-up (every launch waits for a
 * fresh install) and with one booked for the class (its members warmed before the storm), and measures per
 * student the time from the launch request to the environment being usable (its URL: phase Claimed or Ready),
 * p50/p95/max, and how many launches waited for a fresh install.
 *
 * Two modes, each in a process of its own (a process keeps one cluster configuration):
 *   - real: 30 students against the local control plane with the real Flux controllers installing the test
 *     chart (the chart the cluster tests use);
 *   - fake: 300 students against the control plane without Flux; the benchmark writes each HelmRelease's
 *     status Ready (as helm-controller would) `--install-ms` after the instance started provisioning, a stand-in
 *     for the chart's install time.
 * Launch times are spread uniformly over `--spread-ms` (default the first minute). The worker is the real one.
 *
 *   npm run bench:class-start [-- --mode real|fake --students 30 --spread-ms 60000 --install-ms 15000]
 * without --mode runs both (30 real, 300 fake); prints a table and one JSON line per mode.
 */
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { parseConfig } from "@/lib/config";
import { createControllerContext } from "@/lib/controllers/setup";
import { runWorker } from "@/lib/controllers/worker";
import { closeDb, createPrismaClient, setDb, type PrismaClient } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import type { Identity } from "@/lib/domain/identity";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { releaseName } from "@/lib/domain/naming";
import { launchInstance } from "@/lib/services/instances/launch";
import { createTemplate } from "@/lib/services/templates/create-template";
import { bookWarmUp } from "@/lib/services/warm-ups/book-warm-up";
import { findBinaries, buildBinaries, startControlPlane, writeHelmReleaseStatus } from "../cluster/control-plane";
import { freePort } from "../free-port";

const root = path.resolve(import.meta.dirname, "../..");
const argument = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const mode = argument("mode") as "real" | "fake" | undefined;
const spreadMs = Number(argument("spread-ms") ?? 60_000);
const installMs = Number(argument("install-ms") ?? 15_000);
const log = (line: string) => console.error(`[bench] ${line}`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const round = (ms: number) => Math.round(ms);

interface Storm {
  warmUp: boolean;
  students: number;
  /** Launch request to a usable environment, ms. */
  p50: number;
  p95: number;
  max: number;
  /** Launches that got a fresh install instead of a warm member. */
  freshInstalls: number;
  wallMs: number;
}

async function createClass(prisma: PrismaClient, slug: string, count: number): Promise<{ teacher: Identity; students: Identity[] }> {
  const usernames = Array.from({ length: count }, (_, i) => `${slug}-s${i}`);
  await prisma.user.createMany({ data: [...usernames.map((username) => ({ username, roles: ["student" as const] })), { username: `${slug}-teacher`, roles: ["teacher" as const, "student" as const] }] });
  const rows = await prisma.user.findMany({ where: { username: { startsWith: `${slug}-` } } });
  const identity = (u: (typeof rows)[number]): Identity => ({ userId: u.id, username: u.username, displayName: u.username, email: null, groups: [], roles: u.roles, claims: {}, source: "local" });
  const teacher = identity(rows.find((u) => u.username === `${slug}-teacher`)!);
  const students = rows.filter((u) => u.username !== teacher.username).map(identity);
  await prisma.class.create({
    data: { slug, title: slug, teachers: { create: [{ userId: teacher.userId }] }, members: { create: students.map((s) => ({ userId: s.userId, via: "teacher" })) } },
  });
  return { teacher, students };
}

/** Acts as helm-controller for one template: marks each release Ready `installMs` after its instance started provisioning. */
function actAsFlux(prisma: PrismaClient, kc: KubeConfig, templateId: string, templateName: string, signal: AbortSignal): Promise<void> {
  const seen = new Map<string, number>();
  const marked = new Set<string>();
  return (async () => {
    while (!signal.aborted) {
      const rows = await prisma.instance.findMany({ where: { templateId, phase: "Provisioning", deletedAt: null }, select: { uuid: true, namespace: true } });
      const now = performance.now();
      await Promise.all(
        rows.map(async (row) => {
          if (!seen.has(row.uuid)) seen.set(row.uuid, now);
          if (marked.has(row.uuid) || now - seen.get(row.uuid)! < installMs) return;
          marked.add(row.uuid);
          await writeHelmReleaseStatus(kc, row.namespace!, releaseName(templateName, row.uuid), { ready: true }).catch(() => marked.delete(row.uuid));
        }),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function runMode(which: "real" | "fake", count: number): Promise<Storm[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "envdeck-class-start-"));
  await chmod(dir, 0o755);
  const database = await startEmbeddedDatabase({ dataDir: path.join(dir, "pg"), port: await freePort() });
  await migrate(database.url);
  const prisma = createPrismaClient(database.url, 20);
  setDb(prisma);
  const binaries = findBinaries() ?? (await buildBinaries(log));
  const controlPlane = await startControlPlane({ dir: path.join(dir, "cluster"), binaries, withFlux: which === "real", log });
  process.env.KUBECONFIG = controlPlane.kubeconfigPath;
  const kc = new KubeConfig();
  kc.loadFromFile(controlPlane.kubeconfigPath);
  const workerLog: string[] = [];
  const context = await createControllerContext(parseConfig({ KUBECONFIG: controlPlane.kubeconfigPath }), (line) => workerLog.push(line));
  const abort = new AbortController();
  const worker = runWorker({ databaseUrl: database.url, context, signal: abort.signal });
  const chart =
    which === "real" ? { type: "helm" as const, repoUrl: controlPlane.helmRepositoryUrl!, chart: "envdeck-test", revision: "0.1.0" } : { type: "helm" as const, repoUrl: "http://127.0.0.1:9/charts", chart: "bench", revision: "1.0.0" };

  const storms: Storm[] = [];
  try {
    for (const warmUp of [false, true]) {
      const name = `class-${warmUp ? "warm" : "cold"}`;
      const template = await createTemplate(SYSTEM_IDENTITY, {
        name,
        displayName: name,
        method: "pool",
        spec: { chart, valuesTemplate: "greeting: hello {{ uuid }}\n", valueFiles: [], parameters: {}, ownerClaim: "" },
      });
      await prisma.template.update({ where: { id: template.id }, data: { poolSize: 0, poolMaxSize: count + 10, poolFallback: "on_demand" } });
      const flux = which === "fake" ? actAsFlux(prisma, kc, template.id, name, abort.signal) : null;
      const { teacher, students } = await createClass(prisma, `${name}-${count}`, count);

      if (warmUp) {
        // Booked to start on the minute a few minutes ahead: with no history the lead time (5 minutes) covers it now.
        const startsAt = new Date(Math.ceil((Date.now() + 2 * 60_000) / 60_000) * 60_000);
        const text = (d: Date) => d.toISOString().slice(0, 16);
        await bookWarmUp(teacher, { slug: `${name}-${count}`, booking: { template: name, startsAt: text(startsAt), endsAt: text(new Date(startsAt.getTime() + 30 * 60_000)), timeZone: "UTC" } });
        const warmed = performance.now();
        await waitFor(`${count} Available members`, async () => (await prisma.instance.count({ where: { templateId: template.id, phase: "Available", ownerKey: null } })) >= count, 15 * 60_000);
        log(`${which}: ${count} members warmed in ${round(performance.now() - warmed)} ms`);
      }

      log(`${which}: ${count} students launch ${warmUp ? "with" : "without"} a warm-up, over ${spreadMs} ms`);
      const started = performance.now();
      const latencies: number[] = [];
      let fresh = 0;
      await Promise.all(
        students.map(async (student) => {
          await new Promise((r) => setTimeout(r, Math.random() * spreadMs));
          const t0 = performance.now();
          const { outcome, environment } = await launchInstance(student, { template: name });
          if (outcome !== "claimed") fresh++;
          let phase = environment.phase;
          while (phase !== "Claimed" && phase !== "Ready") {
            if (phase === "Failed") throw new Error(`${environment.uuid} failed`);
            await new Promise((r) => setTimeout(r, 100));
            phase = (await prisma.instance.findUniqueOrThrow({ where: { uuid: environment.uuid }, select: { phase: true } })).phase;
          }
          latencies.push(performance.now() - t0);
        }),
      );
      storms.push({ warmUp, students: count, p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), max: round(Math.max(...latencies)), freshInstalls: fresh, wallMs: round(performance.now() - started) });
      void flux;
    }
  } catch (error) {
    console.error(workerLog.slice(-40).join("\n"));
    throw error;
  } finally {
    abort.abort();
    await worker.catch(() => undefined);
    await controlPlane.stop();
    await closeDb(prisma);
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return storms;
}

function print(which: string, storms: Storm[], load: { before: number[]; after: number[] }) {
  console.log(`mode ${which}: students  warm-up  launch→URL p50 / p95 / max (ms)  fresh installs  storm wall (ms)`);
  for (const s of storms) {
    console.log(`  ${String(s.students).padStart(5)}    ${s.warmUp ? "yes" : "no "}      ${String(s.p50).padStart(6)} / ${String(s.p95).padStart(6)} / ${String(s.max).padStart(6)}         ${String(s.freshInstalls).padStart(4)}        ${s.wallMs}`);
  }
  console.log(JSON.stringify({ bench: "class-start", mode: which, spreadMs, installMs: which === "fake" ? installMs : null, cpus: os.cpus().length, loadavg: load, storms }));
}

async function main() {
  if (mode) {
    const before = os.loadavg().map((l) => Math.round(l * 100) / 100);
    const storms = await runMode(mode, Number(argument("students")) || (mode === "real" ? 30 : 300));
    print(mode, storms, { before, after: os.loadavg().map((l) => Math.round(l * 100) / 100) });
    return;
  }
  // Both modes, one after the other, each in its own process.
  for (const which of ["real", "fake"] as const) {
    const args = ["--conditions=react-server", path.join(root, "scripts/bench/class-start.ts"), "--mode", which, "--spread-ms", String(spreadMs), "--install-ms", String(installMs)];
    const code = await new Promise<number | null>((resolve) => spawn(path.join(root, "node_modules/.bin/tsx"), args, { stdio: "inherit" }).on("exit", resolve));
    if (code !== 0) process.exit(code ?? 1);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
