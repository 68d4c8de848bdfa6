import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { freePort } from "@/scripts/free-port";

export { freePort };

export const TEMPLATE_DATABASE = "envdeck_template";

/**
 * Starts a throw-away embedded PostgreSQL in a temporary directory and prepares a migrated template database
 * that per-file test databases are cloned from.
 */
export async function startTestPostgres() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "envdeck-pg-"));
  // As root the server runs as the `postgres` OS user, which must be able to enter the directory.
  await chmod(dir, 0o755);
  const port = await freePort();
  const server = await startEmbeddedDatabase({ dataDir: dir, port });
  const adminUrl = server.adminUrl;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  await migrate(withDatabase(adminUrl, TEMPLATE_DATABASE));
  return {
    adminUrl,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Refuses anything but a loopback server, so a stray DATABASE_URL can never point tests at real data. */
export function assertLocalDatabase(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`Tests only run against a local database, not ${host}`);
  }
}
