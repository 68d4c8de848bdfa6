/**
 * What `npm start` and `npm run demo` share: preparing the database (embedded PostgreSQL when DATABASE_URL is
 * unset, migrations, the first-run demo, template validation), then running the web server and the worker.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "@/lib/config";
import { closeDb, createPrismaClient, setDb } from "@/lib/db/client";
import { checkDatabase } from "@/lib/db/connect";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { countUsers } from "@/lib/services/accounts/internal/sign-in";
import { seedDemo, type DemoAccount, type DemoContent } from "@/lib/services/system/seed-demo";
import { validateAllTemplates } from "@/lib/services/system/validate-templates";
import { describeListening, webServerCommand } from "./commands";
import { superviseChild } from "./supervise";

export type Log = (line: string) => void;

/** The file the demo accounts' passwords are saved to, in the data directory. */
export function demoAccountsFile(config: Pick<Config, "dataDir">): string {
  return path.join(path.resolve(config.dataDir), "demo-accounts.txt");
}

export interface PreparedPortal {
  databaseUrl: string;
  /** The embedded PostgreSQL when DATABASE_URL is unset; stop it after the portal. */
  embedded: EmbeddedDatabase | null;
  authSecret: string;
}

export interface PrepareOptions {
  log: Log;
  /** What a first run seeds (`npm run demo` seeds templates its local cluster can install). */
  demo?: DemoContent;
  /** Runs with the database ready, before templates are validated (`npm run demo` points its templates here). */
  afterMigrate?: () => Promise<void>;
}

async function readOrCreateSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, "auth-secret");
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

function shouldSeedDemo(config: Config, embedded: boolean): boolean {
  if (config.demo === "true") return true;
  return config.demo === "auto" && embedded && !config.oidc;
}

async function saveDemoAccounts(accounts: DemoAccount[], config: Config, log: Log) {
  const file = demoAccountsFile(config);
  const lines = accounts.map((a) => `${a.role.padEnd(8)} ${a.username.padEnd(10)} ${a.password}`);
  await writeFile(file, `# Envdeck demo accounts (role, username, password) for ${config.publicUrl}\n${lines.join("\n")}\n`, { mode: 0o600 });
  log("demo accounts created (shown once; also saved to " + file + "):");
  for (const line of lines) log(`  ${line}`);
}

/** Prepares the database for the portal; any failure is thrown after the embedded database is stopped. */
export async function preparePortal(config: Config, options: PrepareOptions): Promise<PreparedPortal> {
  const { log } = options;
  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.databaseUrl;
  try {
    if (!databaseUrl) {
      log(`DATABASE_URL is unset: using the embedded PostgreSQL in ${path.resolve(config.dataDir)}`);
      embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
      databaseUrl = embedded.url;
    }
    await checkDatabase(databaseUrl);
    const { applied } = await migrate(databaseUrl, { log });
    log(applied.length ? `database migrated (${applied.length} applied)` : "database schema is up to date");

    const client = createPrismaClient(databaseUrl, 2);
    setDb(client);
    try {
      if (shouldSeedDemo(config, embedded !== null) && (await countUsers()) === 0) {
        await saveDemoAccounts(await seedDemo(options.demo), config, log);
      } else if (config.localAccounts && existsSync(demoAccountsFile(config))) {
        // The passwords were shown once, on the first start; later starts say where they are kept.
        log(`demo accounts and their passwords: ${demoAccountsFile(config)}`);
      }
      await options.afterMigrate?.();
      // A broken template is reported and left out of the catalog; it never stops the portal.
      const results = await validateAllTemplates();
      for (const broken of results.filter((r) => r.error)) log(`template "${broken.name}" is invalid and hidden from the catalog: ${broken.error}`);
      log(`${results.length - results.filter((r) => r.error).length} of ${results.length} templates valid`);
    } finally {
      await closeDb(client);
    }
    return { databaseUrl, embedded, authSecret: config.authSecret ?? (await readOrCreateSecret(config.dataDir)) };
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

export interface RunningPortal {
  /** The web server's exit code: the portal ends with it. */
  exited: Promise<number>;
  /** Stops the web server, the worker and the embedded database (at most about ten seconds). */
  stop(): Promise<void>;
}

/**
 * Runs the web server and, beside it, the worker. `env` is added to both processes' environment (`npm run
 * demo` points them at its cluster this way).
 */
export function runPortal(config: Config, prepared: PreparedPortal, options: { log: Log; dev?: boolean; env?: Record<string, string> }): RunningPortal {
  const { log } = options;
  const extra = options.env ?? {};
  const web = webServerCommand(config, options.dev ? "dev" : "start");
  const server = spawn(web.command, web.args, {
    stdio: "inherit",
    env: { ...process.env, ...extra, ...web.env, DATABASE_URL: prepared.databaseUrl, NEXTAUTH_SECRET: prepared.authSecret, NEXTAUTH_URL: config.publicUrl },
  });
  log(describeListening(config));
  // The worker (controllers) runs beside the web server; node with tsx as a loader so signals reach it. A
  // worker that exits is restarted with backoff: its problems never take the web server down.
  const worker = superviseChild(
    () =>
      spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", path.join("scripts", "worker.ts")], {
        stdio: "inherit",
        env: { ...process.env, ...extra, DATABASE_URL: prepared.databaseUrl },
      }),
    { name: "worker", log },
  );
  const exited = new Promise<number>((resolve) => server.on("exit", (code) => resolve(code ?? 1)));
  const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
  let stopping: Promise<void> | null = null;
  return {
    exited,
    stop: () =>
      (stopping ??= (async () => {
        if (!hasExited(server)) server.kill("SIGTERM");
        await Promise.race([Promise.all([exited, worker.stop()]), new Promise((r) => setTimeout(r, 10_000))]);
        await prepared.embedded?.stop().catch(() => undefined);
      })()),
  };
}
