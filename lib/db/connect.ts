import "server-only";
import pg from "pg";

export class DatabaseUnreachableError extends Error {
  override name = "DatabaseUnreachableError";
}

/** Where a URL points, without its password, for messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "(unparseable URL)";
  }
}

/** Connects once and runs `SELECT 1`, turning driver errors into one clear sentence. */
export async function checkDatabase(url: string, timeoutMs = 5000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason = e.code ? `${e.code}: ${e.message}` : e.message;
    throw new DatabaseUnreachableError(`Cannot use the database at ${describeDatabaseUrl(url)} (${reason}). Check DATABASE_URL.`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
