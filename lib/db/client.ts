import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { getConfig } from "@/lib/config";
import { PrismaClient } from "./generated/client";

export type { PrismaClient } from "./generated/client";
export { Prisma } from "./generated/client";

/** Creates a Prisma client on the Rust-free engine with the node-postgres adapter. */
export function createPrismaClient(databaseUrl: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  return new PrismaClient({ adapter });
}

// One client per process; kept on globalThis so dev-mode hot reloads do not open a new pool each time.
const holder = globalThis as unknown as { envdeckPrisma?: PrismaClient };

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
