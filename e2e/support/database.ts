import { closeDb, createPrismaClient, setDb } from "@/lib/db/client";
import { readState } from "./state";

/**
 * Runs `fn` with the end-to-end database as the process's Prisma client, for a journey's own setup (its
 * templates, classes, catalogs) and for reading what the portal wrote. The database is loopback-only and
 * test-made.
 */
export async function withE2eDatabase<T>(fn: () => Promise<T>): Promise<T> {
  const prisma = createPrismaClient(readState().portalEnv.DATABASE_URL!, 1);
  setDb(prisma);
  try {
    return await fn();
  } finally {
    await closeDb(prisma);
  }
}
