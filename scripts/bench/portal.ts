/**
 * What the page benchmarks share: the production web server as `npm start` runs it (scripts/web.ts) on
 * loopback against a database of their own, signing a local account in through next-auth's credentials flow,
 * and small number helpers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { closeDb, createPrismaClient, setDb, type PrismaClient } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { webServerCommand } from "../commands";
import { freePort } from "../free-port";

export const root = path.resolve(import.meta.dirname, "../..");
export const log = (line: string) => console.error(`[bench] ${line}`);

/** `--name value` from the command line, if given. */
export function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** Newest modification time of the files a build is made from, to warn about a stale `.next`. */
function newestSourceMtime(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of ["app", "components", "lib"]) if (existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

/**
 * Fails unless a production build exists; warns when sources changed after it, since the figures would then
 * describe older code.
 */
let warnedStale = false;
export function assertProductionBuild(): void {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) {
    throw new Error("no production build in .next: run `npx next build` (or `npm run build`) first, then this benchmark again");
  }
  if (!warnedStale && newestSourceMtime() > statSync(buildId).mtimeMs) {
    warnedStale = true;
    log("warning: files under app/, components/ or lib/ changed after the last build; the figures describe the build, not those changes");
  }
}

export interface Portal {
  url: string;
  /** The server's latest output (up to 20 kB), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the production web server on 127.0.0.1 with an environment of its own (nothing inherited but PATH
 * and HOME: in particular not this process's react-server condition). KUBECONFIG points at a cluster that is
 * never contacted, so launching counts as possible while no worker runs.
 */
export async function startPortal(databaseUrl: string): Promise<Portal> {
  assertProductionBuild();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  // Extra arguments for the server's node, to profile it under load: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const web = webServerCommand({ host: "127.0.0.1", port }, "start");
  const child: ChildProcess = spawn(web.command, [...nodeArgs, ...web.args], {
    cwd: root,
    env: {
      ...web.env,
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      ENVDECK_ENGINE: "auto",
      KUBECONFIG: path.join(root, "test/fixtures/kubeconfig-never-contacted.yaml"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the web server exited with code ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`the web server did not become healthy within 60 s:\n${output}`);
}

function cookiesFrom(response: Response): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const eq = pair!.indexOf("=");
    cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * Signs a local account in as the sign-in form does (next-auth credentials callback with its CSRF token) and
 * returns the session cookie. Checked: the session endpoint must then name the account.
 */
export async function signIn(portal: Portal, username: string, password: string): Promise<{ name: string; value: string }> {
  const csrfResponse = await fetch(`${portal.url}/api/auth/csrf`);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const csrfCookies = cookiesFrom(csrfResponse);
  const response = await fetch(`${portal.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: [...csrfCookies].map(([k, v]) => `${k}=${v}`).join("; "),
    },
    body: new URLSearchParams({ csrfToken, username, password, callbackUrl: `${portal.url}/`, json: "true" }),
  });
  const session = [...cookiesFrom(response)].find(([name]) => name.endsWith("next-auth.session-token"));
  if (!session) throw new Error(`sign-in of ${username} failed: HTTP ${response.status}, no session cookie`);
  const cookie = { name: session[0], value: session[1] };
  const check = await fetch(`${portal.url}/api/auth/session`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
  const body = (await check.json()) as { userId?: string };
  if (!body.userId) throw new Error(`sign-in of ${username}: the session endpoint does not know the new session`);
  return cookie;
}

/** What a page benchmark gets from `runPageBench`. */
export interface PageBench {
  /** A Prisma client on the benchmark's own migrated database, also set as the process-wide one. */
  prisma: PrismaClient;
  /** Starts the production server on that database; it is stopped at the end. */
  startPortal(): Promise<Portal>;
  /** Something more to close at the end, before the server (a browser). */
  onCleanup(close: () => Promise<unknown>): void;
}

/**
 * Runs a page benchmark against a fresh embedded PostgreSQL in a temporary directory, then exits. An error
 * is reported with the server's latest output before anything is cleaned up, so a cleanup that hangs cannot
 * hide it; the database, the server and the directory are always removed.
 */
export function runPageBench(name: string, body: (bench: PageBench) => Promise<void>): void {
  const run = async () => {
    assertProductionBuild();
    const dir = await mkdtemp(path.join(os.tmpdir(), `envdeck-${name}-`));
    await chmod(dir, 0o755);
    const database = await startEmbeddedDatabase({ dataDir: path.join(dir, "pg"), port: await freePort() });
    const cleanups: (() => Promise<unknown>)[] = [];
    let portal: Portal | null = null;
    let prisma: PrismaClient | null = null;
    try {
      await migrate(database.url);
      prisma = createPrismaClient(database.url, 4);
      setDb(prisma);
      await body({
        prisma,
        startPortal: async () => (portal = await startPortal(database.url)),
        onCleanup: (close) => cleanups.push(close),
      });
    } catch (error) {
      console.error(error);
      const output = (portal as Portal | null)?.output().trim();
      if (output) log(`the server's latest output:\n${output}`);
      process.exitCode = 1;
    } finally {
      for (const close of cleanups.reverse()) await close();
      await (portal as Portal | null)?.stop();
      if (prisma) await closeDb(prisma);
      await database.stop();
      await rm(dir, { recursive: true, force: true });
    }
  };
  run().then(
    () => process.exit(),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
