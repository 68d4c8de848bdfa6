/**
 * `npm start`: prepares the database (embedded PostgreSQL when DATABASE_URL is unset), applies migrations,
 * seeds the demo on a first embedded run, then runs the web server and the worker (scripts/portal.ts). Any
 * failure before the server starts is one clear line on stderr and a non-zero exit. Afterwards the web server
 * exiting stops the portal; the worker exiting does not (it is restarted).
 */
import { ConfigError, getConfig } from "@/lib/config";
import { DatabaseUnreachableError } from "@/lib/db/connect";
import { EmbeddedDatabaseError } from "@/lib/db/embedded";
import { preparePortal, runPortal } from "./portal";

const dev = process.argv.includes("--dev");
// Prepares the database (migrate, first-run seed) and exits: for init containers, CI and the start-up tests.
const prepareOnly = process.argv.includes("--prepare-only");
const log = (line: string) => console.log(`[envdeck] ${line}`);

async function main() {
  const config = getConfig();
  const prepared = await preparePortal(config, { log });
  if (prepareOnly) {
    await prepared.embedded?.stop();
    log("database prepared");
    return;
  }
  const portal = runPortal(config, prepared, { log, dev });
  const stop = async (code: number) => {
    await portal.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  void portal.exited.then((code) => stop(code));
}

main().catch((error: unknown) => {
  const known = [ConfigError, DatabaseUnreachableError, EmbeddedDatabaseError].some((type) => error instanceof type);
  console.error(`[envdeck] cannot start: ${known ? (error as Error).message : (error as Error).stack}`);
  process.exit(1);
});
