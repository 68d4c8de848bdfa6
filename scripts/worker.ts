/**
 * `npm run worker`: the controllers (instances, expiry, garbage collection), leader-elected so any number
 * can run and exactly one acts. `npm start` runs one; more can be started for fail-over. Without
 * DATABASE_URL it joins the embedded database that `npm start` runs.
 */
import { ConfigError, getConfig } from "@/lib/config";
import { closeDb, createPrismaClient, setDb } from "@/lib/db/client";
import { checkDatabase, DatabaseUnreachableError } from "@/lib/db/connect";
import { EmbeddedDatabaseError, embeddedDatabaseUrl } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { createControllerContext } from "@/lib/controllers/setup";
import { runWorker } from "@/lib/controllers/worker";

const log = (line: string) => console.log(`[worker] ${line}`);

async function main() {
  const config = getConfig();
  const databaseUrl = config.databaseUrl ?? (await embeddedDatabaseUrl({ dataDir: config.dataDir, port: config.embeddedPgPort }));
  await checkDatabase(databaseUrl);
  await migrate(databaseUrl);
  const client = createPrismaClient(databaseUrl, 10);
  setDb(client);

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const context = await createControllerContext(config, log);
  await runWorker({ databaseUrl, context, signal: abort.signal });
  await closeDb(client);
  log("stopped");
}

main().catch((error: unknown) => {
  const known = [ConfigError, DatabaseUnreachableError, EmbeddedDatabaseError].some((type) => error instanceof type);
  console.error(`[worker] cannot start: ${known ? (error as Error).message : (error as Error).stack}`);
  process.exit(1);
});
