import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { describe, inject } from "vitest";
import { db } from "@/lib/db/client";
import { parseConfig } from "@/lib/config";
import type { ControllerContext } from "@/lib/controllers/context";
import { createControllerContext } from "@/lib/controllers/setup";
import { runWorker } from "@/lib/controllers/worker";
import type { WorkQueue } from "@/lib/controllers/queue";
import { KubeClient, KubeConfig } from "@/lib/engine/kube/client";
import { createTemplate } from "@/lib/services/templates/create-template";
import type { ChartSource } from "@/lib/templates/spec";
import { writeHelmReleaseStatus } from "@/scripts/cluster/control-plane";
import type { ClusterInfo } from "./global-cluster";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";

/** The control plane of this run, or null when it could not be built here (the suites then skip). */
export const cluster: ClusterInfo | null = inject("cluster");

/** `describe` for suites that need the control plane. */
export const describeWithCluster = cluster ? describe : describe.skip;

/** How Flux is provided in this run, for test names: the real controllers, or the test standing in for them. */
export const fluxLabel = cluster?.flux ? "real Flux controllers" : "test acting as Flux";

export function kubeConfigFrom(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

export function kubeClient(file = cluster!.kubeconfigPath): KubeClient {
  return new KubeClient(kubeConfigFrom(file));
}

/** A chart from the local Helm repository (fixture charts under test/fixtures/charts). */
export function fixtureChart(name: "envdeck-test" | "envdeck-broken"): ChartSource {
  // Without Flux nothing fetches the chart, but the source must still be a valid HelmRepository.
  const repoUrl = cluster?.helmRepositoryUrl ?? "http://127.0.0.1:9/charts";
  return { type: "helm", repoUrl, chart: name, revision: "0.1.0" };
}

export async function createClusterTemplate(name: string, chart: ChartSource, options: { method?: "on_demand" | "pool"; valuesTemplate?: string } = {}) {
  const template = await createTemplate(SYSTEM_IDENTITY, {
    name,
    displayName: name,
    method: options.method ?? "on_demand",
    spec: { chart, valuesTemplate: options.valuesTemplate ?? "greeting: hello from {{ uuid }}\n", valueFiles: [], parameters: {}, ownerClaim: "" },
  });
  const version = await db().templateVersion.findFirstOrThrow({ where: { templateId: template.id } });
  return { template, version };
}

/** Inserts an instance row the way a launch does, and wakes the worker. */
export async function insertInstance(
  template: { template: { id: string }; version: { id: string } },
  options: { ownerKey?: string | null; pooled?: boolean; expiresAt?: Date | null; values?: Record<string, unknown>; uuid?: string } = {},
) {
  const uuid = options.uuid ?? randomBytes(4).toString("hex");
  const row = await db().instance.create({
    data: {
      uuid,
      templateId: template.template.id,
      templateVersionId: template.version.id,
      ownerKey: options.ownerKey === undefined ? "alice" : options.ownerKey,
      pooled: options.pooled ?? false,
      expiresAt: options.expiresAt ?? null,
      values: (options.values ?? { greeting: `hello from ${uuid}` }) as object,
    },
  });
  await db().$executeRaw`SELECT pg_notify('envdeck_worker', ${uuid})`;
  return row;
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
}

export interface TestWorker {
  logs: string[];
  queue: () => WorkQueue | null;
  context: ControllerContext;
  stop(): Promise<void>;
}

/** Runs the worker in this process against the test database and the given kubeconfig, with short timers. */
export async function startTestWorker(databaseUrl: string, options: { kubeconfigPath?: string; gcGraceMs?: number; resyncMs?: number } = {}): Promise<TestWorker> {
  const logs: string[] = [];
  const config = parseConfig({ KUBECONFIG: options.kubeconfigPath ?? cluster!.kubeconfigPath });
  const context = await createControllerContext(config, (line) => logs.push(line));
  const abort = new AbortController();
  let queue: WorkQueue | null = null;
  const running = runWorker({
    databaseUrl,
    context,
    signal: abort.signal,
    resyncMs: options.resyncMs ?? 2000,
    expiryScanMs: 300,
    gcIntervalMs: 1000,
    gcGraceMs: options.gcGraceMs ?? 60_000,
    leaderPollMs: 200,
    onLeading: (q) => (queue = q),
  });
  return {
    logs,
    queue: () => queue,
    context,
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}

export interface WorkerProcess {
  output: () => string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `npm run worker`'s entry point as a real process (to kill it like a crash would). */
export function startWorkerProcess(databaseUrl: string, kubeconfigPath = cluster!.kubeconfigPath): WorkerProcess {
  const root = path.resolve(import.meta.dirname, "../..");
  // Node itself with tsx as a loader (not the tsx CLI, which would run the worker in a grandchild): a signal
  // sent to this process reaches the worker.
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, KUBECONFIG: kubeconfigPath, ENVDECK_ENGINE: "auto", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    output: () => output,
    child,
    kill: async (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      await exited;
    },
  };
}

/**
 * Stands in for helm-controller when its binary is not built: writes the status it would write. With the real
 * controllers, tests never call this.
 */
export async function actAsFlux(namespace: string, name: string, outcome: { ready: true } | { failed: string }) {
  await writeHelmReleaseStatus(kubeConfigFrom(cluster!.kubeconfigPath), namespace, name, outcome);
}


/** Asks the process that runs the control plane to act on it (see global-cluster.ts). */
export async function controlCluster(action: "apiserver/stop" | "apiserver/start" | "apiserver/bare"): Promise<string> {
  const res = await fetch(`${cluster!.controlUrl}/${action}`, { method: "POST" });
  const text = await res.text();
  if (!res.ok) throw new Error(`${action} failed: ${text}`);
  return text;
}
