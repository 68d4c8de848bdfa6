import "server-only";
import pg from "pg";

export class DatabaseUnreachableError extends Error {
  override name = "DatabaseUnreachableError";
}

/** What a user is told when a request fails because the database cannot be reached. */
export const DATABASE_UNAVAILABLE_MESSAGE = "The database is not reachable right now. Please try again in a moment.";

const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH"]);
// SQLSTATE class 08 (connection exception), and the server shutting down, crashing or still starting up.
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123])$/;
// Prisma: cannot reach the server, timed out reaching it, the server closed the connection.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017"]);
// The node-postgres adapter's kinds for socket failures, in the `cause` of the DriverAdapterError it throws.
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout"]);
// node-postgres and pg-pool report a lost or never-made connection by message only.
const DRIVER_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect$|Client has encountered a connection error and is not queryable$)/;

function isConnectionFailure(error: Record<string, unknown>): boolean {
  const { code, errorCode, kind, originalCode, message, name } = error;
  if (typeof code === "string" && (SOCKET_CODES.has(code) || SQLSTATE.test(code))) return true;
  const prismaCode = code ?? errorCode;
  if (typeof prismaCode === "string" && PRISMA_CODES.has(prismaCode) && typeof name === "string" && name.startsWith("PrismaClient")) return true;
  if (typeof originalCode === "string" && SQLSTATE.test(originalCode)) return true;
  if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
  return error instanceof Error && DRIVER_MESSAGES.test(message as string);
}

/** The errors an error was caused by: `cause`, Prisma's `meta.driverAdapterError`, an AggregateError's `errors`. */
function causesOf(error: Record<string, unknown>): unknown[] {
  const meta = error.meta as Record<string, unknown> | undefined;
  return [error.cause, typeof meta === "object" && meta !== null ? meta.driverAdapterError : undefined, ...(Array.isArray(error.errors) ? error.errors : [])];
}

/**
 * Whether `error` means the database cannot be reached right now (refused, reset, timed out, unknown host,
 * connection terminated, server shutting down or starting up), as node-postgres and Prisma over the
 * node-postgres adapter report it, anywhere in its chain of causes. Query errors, refused credentials and
 * unknown databases are not: retrying cannot fix them, so they stay internal errors.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== "object" || next === null || seen.has(next)) continue;
    seen.add(next);
    const fields = next as Record<string, unknown>;
    if (isConnectionFailure(fields)) return true;
    pending.push(...causesOf(fields));
  }
  return false;
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
  // A connection lost between the two calls fails the second one; unheard, its error event would end the process.
  client.on("error", () => undefined);
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
