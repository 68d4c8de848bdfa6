/**
 * `npm start`: prepares the database (embedded PostgreSQL when DATABASE_URL is unset), applies migrations,
 * seeds the demo on a first embedded run, then runs the web server and the worker. Any failure before the server starts is
 * one clear line on stderr and a non-zero exit. Afterwards the web server exiting stops the portal; the worker
 * exiting does not (it is restarted).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError, getConfig, type Config } from "@/lib/config";
import { closeDb, createPrismaClient, setDb } from "@/lib/db/client";
import { checkDatabase, DatabaseUnreachableError } from "@/lib/db/connect";
import { EmbeddedDatabaseError, startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { countUsers } from "@/lib/services/accounts/internal/sign-in";
import { seedDemo, type DemoAccount } from "@/lib/services/system/seed-demo";
import { validateAllTemplates } from "@/lib/services/system/validate-templates";
import { superviseChild } from "./supervise";

const dev = process.argv.includes("--dev");
// Prepares the database (migrate, first-run seed) and exits: for init containers, CI and the start-up tests.
const prepareOnly = process.argv.includes("--prepare-only");
const log = (line: string) => console.log(`[envdeck] ${line}`);

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

async function printDemoAccounts(accounts: DemoAccount[], dataDir: string, url: string) {
  const file = path.join(path.resolve(dataDir), "demo-accounts.txt");
  const lines = accounts.map((a) => `${a.role.padEnd(8)} ${a.username.padEnd(10)} ${a.password}`);
  await writeFile(file, `# Envdeck demo accounts (role, username, password) for ${url}\n${lines.join("\n")}\n`, { mode: 0o600 });
  log("demo accounts created (shown once; also saved to " + file + "):");
  for (const line of lines) log(`  ${line}`);
}

async function main() {
  const config = getConfig();
  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.databaseUrl;
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
  if (shouldSeedDemo(config, embedded !== null) && (await countUsers()) === 0) {
    await printDemoAccounts(await seedDemo(), config.dataDir, config.publicUrl);
  }
  // A broken template is reported and left out of the catalog; it never stops the portal.
  const results = await validateAllTemplates();
  for (const broken of results.filter((r) => r.error)) log(`template "${broken.name}" is invalid and hidden from the catalog: ${broken.error}`);
  log(`${results.length - results.filter((r) => r.error).length} of ${results.length} templates valid`);
  await closeDb(client);

  const secret = config.authSecret ?? (await readOrCreateSecret(config.dataDir));
  if (prepareOnly) {
    await embedded?.stop();
    log("database prepared");
    return;
  }
  const next = spawn(path.join("node_modules", ".bin", "next"), [dev ? "dev" : "start", "-p", String(config.port)], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: secret, NEXTAUTH_URL: config.publicUrl },
  });
  log(`portal starting on ${config.publicUrl}`);
  // The worker (controllers) runs beside the web server; node with tsx as a loader so signals reach it. A
  // worker that exits is restarted with backoff: its problems never take the web server down.
  const worker = superviseChild(
    () =>
      spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", path.join("scripts", "worker.ts")], {
        stdio: "inherit",
        env: { ...process.env, DATABASE_URL: databaseUrl },
      }),
    { name: "worker", log },
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const exited = (child: typeof next) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", r)));
    if (next.exitCode === null && next.signalCode === null) next.kill("SIGTERM");
    await Promise.race([Promise.all([exited(next), worker.stop()]), new Promise((r) => setTimeout(r, 10_000))]);
    await embedded?.stop().catch(() => undefined);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  next.on("exit", (code) => void stop(code ?? 1));
}

main().catch((error: unknown) => {
  const known = [ConfigError, DatabaseUnreachableError, EmbeddedDatabaseError].some((type) => error instanceof type);
  console.error(`[envdeck] cannot start: ${known ? (error as Error).message : (error as Error).stack}`);
  process.exit(1);
});
