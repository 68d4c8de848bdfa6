import "server-only";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { Umzug, type UmzugStorage } from "umzug";

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql with Umzug, recording them in Prisma's own
 * `_prisma_migrations` table so that `prisma migrate deploy` (where the Prisma CLI can run) sees the same
 * history. A session-level advisory lock on a dedicated connection makes concurrent start-ups take turns:
 * the first migrates, the others wait and then find nothing left to do.
 */

const MIGRATION_LOCK = 727_001; // arbitrary, constant: the advisory lock key for "migrating"

const HISTORY_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export type MigrationResult = { applied: string[] };

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** Lists migrations in the Prisma layout, oldest first. */
export async function readMigrations(dir = defaultMigrationsDir()): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), "prisma", "migrations");
}

function historyStorage(client: pg.Client, files: MigrationFile[]): UmzugStorage {
  const checksums = new Map(files.map((f) => [f.name, f.checksum]));
  return {
    async executed() {
      const { rows } = await client.query<{ migration_name: string; checksum: string }>(
        `SELECT migration_name, checksum FROM "_prisma_migrations"
          WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY started_at, migration_name`,
      );
      for (const row of rows) {
        const expected = checksums.get(row.migration_name);
        if (expected && expected !== row.checksum) {
          throw new Error(
            `Migration ${row.migration_name} was changed after it was applied (checksum differs); ` +
              "add a new migration instead of editing an applied one",
          );
        }
      }
      return rows.map((r) => r.migration_name);
    },
    async logMigration({ name }) {
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES (gen_random_uuid()::text, $1, $2, now(), now(), 1)`,
        [checksums.get(name), name],
      );
    },
    async unlogMigration({ name }) {
      await client.query(`DELETE FROM "_prisma_migrations" WHERE migration_name = $1`, [name]);
    },
  };
}

/** Brings the database at `databaseUrl` up to date. Safe to call from several processes at once. */
export async function migrate(
  databaseUrl: string,
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrationResult> {
  const files = await readMigrations(options.dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  // A connection lost between statements is reported by the statement that fails; the event alone would
  // otherwise end the process instead of letting the caller retry.
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(HISTORY_TABLE);
    const umzug = new Umzug({
      migrations: files.map((file) => ({
        name: file.name,
        // Each migration runs in its own transaction together with its history row, so a failure leaves
        // neither half-applied schema nor a false "applied" record.
        up: async () => {
          await client.query(file.sql);
        },
      })),
      storage: historyStorage(client, files),
      logger: undefined,
    });
    const applied: string[] = [];
    for (const pending of await umzug.pending()) {
      await client.query("BEGIN");
      try {
        await umzug.up({ migrations: [pending.name] });
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${pending.name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(pending.name);
      options.log?.(`applied migration ${pending.name}`);
    }
    return { applied };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
