import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDb, createPrismaClient, setDb, type PrismaClient } from "@/lib/db/client";
import { assertLocalDatabase, TEMPLATE_DATABASE, withDatabase } from "./postgres";

/**
 * Gives the calling test file a fresh, migrated database of its own (cloned from the template database) and
 * makes it the process-wide Prisma client. Returns accessors, valid inside tests and hooks.
 */
export function setupTestDatabase() {
  const adminUrl = inject("pgAdminUrl");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const url = withDatabase(adminUrl, name);
  let client: PrismaClient | undefined;

  beforeAll(async () => {
    assertLocalDatabase(adminUrl);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
    await admin.end();
    client = createPrismaClient(url, 5);
    setDb(client);
  });

  afterAll(async () => {
    if (client) await closeDb(client);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  return {
    url,
    adminUrl,
    db: () => {
      if (!client) throw new Error("setupTestDatabase: the database is only ready inside tests");
      return client;
    },
  };
}

/** Runs `fn` with a raw connection to `url`, closing it afterwards. */
export async function withPg<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
