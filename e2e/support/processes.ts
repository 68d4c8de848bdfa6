import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { webServerCommand } from "@/scripts/commands";

const root = path.resolve(import.meta.dirname, "../..");

/** A child process of the global setup, stopped with SIGTERM (SIGKILL after 10 s). */
export interface Child {
  name: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

function child(name: string, process: ChildProcess): Child {
  return {
    name,
    process,
    async stop() {
      if (process.exitCode !== null || process.signalCode !== null) return;
      const exited = new Promise((resolve) => process.once("exit", resolve));
      process.kill("SIGTERM");
      const timer = setTimeout(() => process.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The production build on loopback, as `npm start` runs it (scripts/web.ts). It gets exactly `env` plus PATH
 * and HOME: in particular not the runner's NODE_OPTIONS (the react-server condition would break the server's
 * client bundles).
 */
export function startPortal(port: number, env: Record<string, string>): Child {
  const web = webServerCommand({ host: "127.0.0.1", port }, "start");
  const server = spawn(web.command, web.args, {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...web.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return child(`portal on port ${port}`, server);
}

/** Waits for the portal's health endpoint; fails at once if the server exits. */
export async function waitForHealth(url: string, server: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.process.exitCode !== null) throw new Error(`the ${server.name} exited with code ${server.process.exitCode} before becoming healthy`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the ${server.name} did not become healthy within ${timeoutMs} ms`);
}

/**
 * The worker (`npm run worker`'s entry point), as `npm start` runs it: node with tsx as a loader and the
 * react-server condition, so a signal sent to this process reaches the worker. Its output goes to `logFile`.
 */
export function startWorker(env: Record<string, string>, logFile: string): Child {
  const log = createWriteStream(logFile);
  const worker = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout.pipe(log, { end: false });
  worker.stderr.pipe(log, { end: false });
  worker.once("exit", () => log.end());
  return child("worker", worker);
}

/** Waits until the worker's log shows it acting on the cluster (leader elected, watch started). */
export async function waitForWorker(worker: Child, logFile: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (worker.process.exitCode !== null) throw new Error(`the worker exited with code ${worker.process.exitCode} while starting`);
    const text = await readFile(logFile, "utf8").catch(() => "");
    if (/using the Kubernetes cluster/.test(text)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the worker did not connect to the cluster within ${timeoutMs} ms`);
}
