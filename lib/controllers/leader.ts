import "server-only";
import { LOCKS, WAKE_CHANNEL } from "@/lib/db/coordination";
import { pause } from "@/lib/async";
import pg from "pg";

/**
 * Leader election on PostgreSQL: the leader is whoever holds a session-level advisory lock on its own
 * dedicated connection. The lock dies with that connection, so when a leader process dies (or its
 * connection does) PostgreSQL frees the lock and a standby polling `pg_try_advisory_lock` takes over. The
 * same connection LISTENs for wake-ups: losing it loses both together, so a former leader is never left
 * half-working.
 */

export const LEADER_LOCK = LOCKS.leader;
export { WAKE_CHANNEL };

export interface Leadership {
  /** Resolves (with the reason) when leadership is lost; the holder must stop acting at once. */
  readonly lost: Promise<Error>;
  /** Notifications on WAKE_CHANNEL: their payload (an instance uuid, or "" for "look at everything"). */
  onWake(listener: (payload: string) => void): void;
  /** Gives the lock up and closes the connection. */
  release(): Promise<void>;
}

export interface LeaderOptions {
  databaseUrl: string;
  signal: AbortSignal;
  /** How often a standby tries for the lock, and how often the leader checks its connection. */
  pollMs?: number;
  lockKey?: number;
  log?: (line: string) => void;
}

/** Waits until this process is the leader; null when `signal` aborts first. */
export async function acquireLeadership(options: LeaderOptions): Promise<Leadership | null> {
  const pollMs = options.pollMs ?? 1000;
  const lockKey = options.lockKey ?? LEADER_LOCK;
  let announcedStandby = false;
  let lastFailure: string | null = null;
  while (!options.signal.aborted) {
    const client = new pg.Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true, query_timeout: 10_000 });
    let failed: Error | null = null;
    client.on("error", (error) => (failed = error));
    try {
      await client.connect();
      while (!options.signal.aborted && !failed) {
        const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [lockKey]);
        if (rows[0]?.locked) return await lead(client, pollMs, options.log);
        if (!announcedStandby) options.log?.("another worker is active: standing by");
        announcedStandby = true;
        await pause(pollMs, options.signal);
      }
    } catch (error) {
      // Once per distinct failure, not every few seconds while an outage lasts.
      const message = (error as Error).message;
      if (message !== lastFailure) options.log?.(`database connection for leader election failed: ${message}`);
      lastFailure = message;
      await pause(pollMs * 2, options.signal);
    }
    await client.end().catch(() => undefined);
  }
  return null;
}

async function lead(client: pg.Client, pollMs: number, log?: (line: string) => void): Promise<Leadership> {
  const listeners: ((payload: string) => void)[] = [];
  let released = false;
  let resolveLost!: (error: Error) => void;
  const lost = new Promise<Error>((resolve) => (resolveLost = resolve));
  const lose = (error: Error) => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    resolveLost(error);
    void client.end().catch(() => undefined);
  };
  client.on("error", (error) => lose(error));
  client.on("end", () => lose(new Error("the database connection closed")));
  client.on("notification", (message) => {
    if (message.channel === WAKE_CHANNEL) for (const listener of listeners) listener(message.payload ?? "");
  });
  await client.query(`LISTEN ${WAKE_CHANNEL}`);
  // A silent network failure would not close the socket: a regular query finds it out.
  const heartbeat = setInterval(() => {
    client.query("SELECT 1").catch((error: Error) => lose(error));
  }, pollMs * 2);
  heartbeat.unref();
  log?.("became the active worker");
  return {
    lost,
    onWake: (listener) => listeners.push(listener),
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      resolveLost(new Error("released"));
      await client.query("SELECT pg_advisory_unlock_all()").catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
