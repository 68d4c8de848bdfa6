import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { getConfig } from "@/lib/config";
import { PrismaClient } from "./generated/client";

export type { PrismaClient } from "./generated/client";
export { Prisma } from "./generated/client";

// Each Prisma client runs on a node-postgres pool of our own, which the launch path also uses directly.
// One client per process, and the pool under each client, kept on globalThis: the bundler may load this
// module more than once (one copy per server chunk, and again on dev-mode hot reloads), and every copy must
// find the same client and pool.
const holder = globalThis as unknown as { envdeckPrisma?: PrismaClient; envdeckPools?: WeakMap<PrismaClient, pg.Pool> };
const pools = (holder.envdeckPools ??= new WeakMap<PrismaClient, pg.Pool>());

/** Creates a Prisma client on the Rust-free engine with the node-postgres adapter, over a pool of `poolSize`. */
export function createPrismaClient(databaseUrl: string, poolSize = 10): PrismaClient {
  // Waiting up to 15 s for a connection: at class start hundreds of launches arrive at once.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 15_000 });
  // An idle connection that breaks (database restart) is dropped by the pool; the next query reports it.
  pool.on("error", () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(client, pool);
  return client;
}

/** The process-wide client for DATABASE_URL. */
export function db(): PrismaClient {
  if (!holder.envdeckPrisma) {
    const url = getConfig().databaseUrl;
    if (!url) throw new Error("DATABASE_URL is not set: start the portal with `npm start`, which provides one");
    holder.envdeckPrisma = createPrismaClient(url);
  }
  return holder.envdeckPrisma;
}

/** Replaces the process-wide client (tests hand in one bound to their own database). */
export function setDb(client: PrismaClient): void {
  holder.envdeckPrisma = client;
}

/** Disconnects a client and closes its pool. */
export async function closeDb(client: PrismaClient): Promise<void> {
  await client.$disconnect();
  await pools.get(client)?.end();
}

/**
 * Runs `fn` in a transaction on a connection of the process-wide pool, with plain SQL. For the few hot paths
 * (launch, claim) where Prisma's interactive transactions cost two thirds of the throughput (BENCHMARKS.md);
 * everything else uses Prisma.
 */
export async function withSqlTransaction<T>(fn: (sql: pg.PoolClient) => Promise<T>): Promise<T> {
  const sql = await sqlPool().connect();
  try {
    await sql.query("BEGIN");
    const result = await fn(sql);
    await sql.query("COMMIT");
    sql.release();
    return result;
  } catch (error) {
    // A connection whose rollback fails is broken: destroy it rather than return it to the pool.
    await sql.query("ROLLBACK").then(
      () => sql.release(),
      (broken: Error) => sql.release(broken),
    );
    throw error;
  }
}

/** The node-postgres pool under the process-wide client. */
export function sqlPool(): pg.Pool {
  const pool = pools.get(db());
  if (!pool) throw new Error("the database client was not created by createPrismaClient");
  return pool;
}

/** Whether an error is PostgreSQL refusing a duplicate key (SQLSTATE 23505), through Prisma or node-postgres. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, originalCode } = e as { code?: unknown; originalCode?: unknown };
    if (code === "P2002" || code === "23505" || originalCode === "23505") return true;
  }
  return false;
}
