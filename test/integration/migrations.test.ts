import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { inject } from "vitest";
import { withPg } from "../support/database";
import { withDatabase } from "../support/postgres";

const adminUrl = inject("pgAdminUrl");
let counter = 0;

/** An empty database of its own (not cloned from the migrated template). */
async function emptyDatabase(): Promise<string> {
  const name = `m_${process.pid}_${Date.now()}_${counter++}`;
  await withPg(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  return withDatabase(adminUrl, name);
}

async function history(url: string) {
  return withPg(url, async (c) => (await c.query(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"`)).rows);
}

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "envdeck-migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

describe("migrate", () => {
  it("applies every migration once, recording it in Prisma's history table", async () => {
    const url = await emptyDatabase();
    const files = await readMigrations();
    const first = await migrate(url);
    expect(first.applied).toEqual(files.map((f) => f.name));
    const rows = await history(url);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    expect(rows.every((r) => r.finished_at instanceof Date && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    expect((await migrate(url)).applied).toEqual([]);
    expect(await history(url)).toHaveLength(files.length);
  });

  it("lets only one of several processes starting at once apply the migrations", async () => {
    const url = await emptyDatabase();
    const results = await Promise.all(Array.from({ length: 5 }, () => migrate(url)));
    const applied = results.flatMap((r) => r.applied);
    expect(applied).toEqual((await readMigrations()).map((f) => f.name));
    expect(await history(url)).toHaveLength(applied.length);
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    const dir = await migrationsDir({ "20260101000000_a": "CREATE TABLE a (id int);" });
    const url = await emptyDatabase();
    await migrate(url, { dir });
    await writeFile(path.join(dir, "20260101000000_a", "migration.sql"), "CREATE TABLE a (id bigint);");
    await expect(migrate(url, { dir })).rejects.toThrow(/20260101000000_a was changed after it was applied/);
  });

  it("rolls back a failing migration completely and names it", async () => {
    const dir = await migrationsDir({
      "20260101000000_ok": "CREATE TABLE ok (id int);",
      "20260102000000_broken": "CREATE TABLE half (id int); INSERT INTO missing_table VALUES (1);",
    });
    const url = await emptyDatabase();
    await expect(migrate(url, { dir })).rejects.toThrow(/Migration 20260102000000_broken failed: .*missing_table/);
    expect((await history(url)).map((r) => r.migration_name)).toEqual(["20260101000000_ok"]);
    const tables = await withPg(url, async (c) => (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows);
    expect(tables.map((t) => t.tablename).sort()).toEqual(["_prisma_migrations", "ok"]);
  });
});
