import "server-only";
import type { PoolClient } from "pg";
import type { FailureCount, ThrottleDecision } from "@/lib/domain/sign-in-throttle";
import { THROTTLE_WINDOW_SECONDS } from "@/lib/domain/sign-in-throttle";
import { recordAuditSql, type AuditEntry } from "./audit";
import { sqlPool, withSqlTransaction, type Prisma } from "./client";
import { LOCKS } from "./coordination";

/**
 * The counts behind sign-in throttling (lib/domain/sign-in-throttle.ts), in PostgreSQL so that every web
 * replica sees the same ones. A username's attempts are begun one at a time under an advisory lock, and an
 * attempt counts against its username from the moment it begins: many guesses sent at once cannot all slip
 * in before the first of them is known to have failed. An address counts only proven failures, so a class
 * signing in at once from one address is never held up by its own sign-ins.
 */

type Sql = Pick<PoolClient, "query">;

/** What an attempt is counted by: the username as tried (lowercased) and the address's throttle key. */
export interface AttemptKeys {
  username: string;
  addressKey: string | null;
}

export interface AttemptCounts {
  account: FailureCount;
  address: FailureCount | null;
  /** The database's clock, which every replica shares. */
  now: Date;
}

interface CountRow {
  account: { failures: number; latestAt: string | null };
  address: { failures: number; latestAt: string | null } | null;
  now: Date;
}

/**
 * Counted against the clock as it reads now, under the lock, not against `now()`: that is when this
 * transaction began, possibly before an attempt that held the lock first was recorded, and an attempt
 * newer than "now" would make the wait look longer than it is.
 */
async function countAttempts(sql: Sql, keys: AttemptKeys): Promise<AttemptCounts> {
  const { rows } = await sql.query<CountRow>(
    `WITH clock AS (SELECT clock_timestamp() AS now)
     SELECT
       (SELECT json_build_object('failures', count(*), 'latestAt', max(at)) FROM sign_in_attempts, clock
         WHERE username = $1 AND at > clock.now - make_interval(secs => $3)) AS account,
       CASE WHEN $2::text IS NULL THEN NULL ELSE
         (SELECT json_build_object('failures', count(*), 'latestAt', max(at)) FROM sign_in_attempts, clock
           WHERE address_key = $2 AND failed AND at > clock.now - make_interval(secs => $3)) END AS address,
       (SELECT now FROM clock) AS now`,
    [keys.username, keys.addressKey, THROTTLE_WINDOW_SECONDS],
  );
  const row = rows[0]!;
  const count = (c: CountRow["account"]): FailureCount => ({ failures: Number(c.failures), latestAt: c.latestAt ? new Date(c.latestAt) : null });
  return { account: count(row.account), address: row.address && count(row.address), now: row.now };
}

/**
 * Begins an attempt unless `decide` refuses it on the counts so far. Returns the decision and, when the
 * attempt may go on, its id: it counts against the username until it succeeds.
 */
export async function beginSignInAttempt(keys: AttemptKeys, decide: (counts: AttemptCounts) => ThrottleDecision): Promise<{ decision: ThrottleDecision; attemptId: string | null }> {
  return withSqlTransaction(async (sql) => {
    await sql.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [LOCKS.signIn, keys.username]);
    const decision = decide(await countAttempts(sql, keys));
    if (decision.locked) return { decision, attemptId: null };
    const { rows } = await sql.query<{ id: string }>("INSERT INTO sign_in_attempts (username, address_key) VALUES ($1, $2) RETURNING id::text", [keys.username, keys.addressKey]);
    return { decision, attemptId: rows[0]!.id };
  });
}

/**
 * Records that an attempt's password was wrong, with the audit entries `audit` makes of the counts that
 * follow, in one transaction; returns those counts. The attempt's row may be gone (a successful sign-in of
 * the same username cleared them meanwhile): the failure is recorded all the same.
 */
export async function recordSignInFailure(attemptId: string, keys: AttemptKeys, audit: (counts: AttemptCounts) => AuditEntry[]): Promise<AttemptCounts> {
  return withSqlTransaction(async (sql) => {
    await sql.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [LOCKS.signIn, keys.username]);
    const { rowCount } = await sql.query("UPDATE sign_in_attempts SET failed = true WHERE id = $1::bigint", [attemptId]);
    if (rowCount === 0) await sql.query("INSERT INTO sign_in_attempts (username, address_key, failed) VALUES ($1, $2, true)", [keys.username, keys.addressKey]);
    const counts = await countAttempts(sql, keys);
    for (const entry of audit(counts)) await recordAuditSql(sql, entry);
    return counts;
  });
}

/**
 * A successful sign-in: the username starts afresh. Its address keeps its failures, so knowing one password
 * never clears the guesses made at other accounts.
 */
export async function clearSignInAttempts(tx: Pick<Prisma.TransactionClient, "signInAttempt">, username: string): Promise<void> {
  await tx.signInAttempt.deleteMany({ where: { username } });
}

/** Deletes at most `limit` attempts older than `before` (they count for nothing any more); returns how many. */
export async function pruneSignInAttempts(before: Date, limit: number): Promise<number> {
  const { rowCount } = await sqlPool().query("DELETE FROM sign_in_attempts WHERE id IN (SELECT id FROM sign_in_attempts WHERE at < $1 ORDER BY at LIMIT $2)", [before, limit]);
  return rowCount ?? 0;
}
