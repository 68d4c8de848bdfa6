import "server-only";
import { sqlPool } from "./client";
import type { SpanOutcome, UsageFigures, UsagePair, UsageSpan } from "@/lib/domain/usage";

/**
 * Usage reports' data access. A report's scope (the class's members, the templates of its catalogs, and the
 * owner key each member's environments of each template have) is the class view's, read by lib/db/classes.ts
 * and paired by lib/domain/usage.ts (`usageScope`). Spans of use are read from the instance history that a
 * trigger writes (instance_events, migration 20261128000000_instance_history), since an instance's own row
 * forgets an earlier owner when a pool member goes back to its pool and is claimed again.
 */

/**
 * The spans of use that overlap [from, to) of the (template, owner key) pairs asked for, each with the row
 * (`owner`) its pair counts in. Parameters: $1 template ids, $2 owner keys, $3 from, $4 to, $5 now, $6 the
 * pairs' owners ($1, $2 and $6 side by side).
 *
 * The history is walked per instance in order: a span starts where an owner key appears (the instance's first
 * moment: a launch; or a change of owner: a claim) and ends at the first later moment that is Expiring (its
 * teardown started, whoever ended it or its TTL), Failed, deleted, or owned by someone else or nobody (a pool
 * member sent back to its pool). A pool member's time while nobody owns it belongs to no span. A span's ready
 * moment is its first Ready or Claimed moment before its end: a claimed member was Available already, so a
 * claim is ready at once.
 */
const SPANS = `
  pairs AS (SELECT DISTINCT ON (template_id, owner_key) * FROM unnest($1::uuid[], $2::text[], $6::text[]) AS p(template_id, owner_key, owner)),
  ev AS (
    SELECT e.id, e.instance_id, e.at, e.phase::text AS phase, e.owner_key, e.deleted,
           i.template_id, i.uuid, i.created_at, i.deleted_at AS instance_deleted_at,
           row_number() OVER w AS n, lag(e.owner_key) OVER w AS prev_owner
    FROM instances i JOIN instance_events e ON e.instance_id = i.id
    WHERE i.template_id IN (SELECT template_id FROM pairs)
      AND i.created_at < $4
      AND (i.deleted_at IS NULL OR i.deleted_at > $3)
    WINDOW w AS (PARTITION BY e.instance_id ORDER BY e.at, e.id)
  ),
  spans AS (
    SELECT s.instance_id, s.uuid, s.template_id, s.owner_key, p.owner,
           -- Instances older than their history start it at their row's last change: their creation is earlier.
           CASE WHEN s.n = 1 THEN least(s.created_at, s.at) ELSE s.at END AS start_at,
           s.n > 1 AS claimed,
           coalesce(fin.at, s.instance_deleted_at) AS end_at,
           CASE WHEN fin.at IS NULL AND s.instance_deleted_at IS NULL THEN 'running' ELSE coalesce(fin.outcome, 'ended') END AS outcome,
           rdy.at AS ready_at
    FROM ev s
    JOIN pairs p ON p.template_id = s.template_id AND p.owner_key = s.owner_key
    LEFT JOIN LATERAL (
      SELECT e.n, e.at,
             CASE WHEN e.phase = 'Failed' THEN 'failed'
                  WHEN e.phase = 'Expiring' OR e.deleted THEN 'ended'
                  ELSE 'returned' END AS outcome
      FROM ev e
      WHERE e.instance_id = s.instance_id AND e.n >= s.n
        AND (e.phase IN ('Expiring', 'Failed') OR e.deleted OR e.owner_key IS DISTINCT FROM s.owner_key)
      ORDER BY e.n LIMIT 1
    ) fin ON true
    LEFT JOIN LATERAL (
      SELECT e.at FROM ev e
      WHERE e.instance_id = s.instance_id AND e.n >= s.n AND e.phase IN ('Ready', 'Claimed') AND (fin.n IS NULL OR e.n < fin.n)
      ORDER BY e.n LIMIT 1
    ) rdy ON true
    WHERE s.n = 1 OR s.prev_owner IS DISTINCT FROM s.owner_key
  ),
  clipped AS (
    SELECT sp.*,
           greatest(0, extract(epoch FROM least(coalesce(sp.end_at, $5), $4) - greatest(sp.start_at, $3)) * 1000)::bigint AS used_ms,
           (sp.start_at >= $3 AND sp.start_at < $4) AS launched,
           extract(epoch FROM sp.ready_at - sp.start_at) * 1000 AS ready_ms
    FROM spans sp
    WHERE sp.start_at < $4 AND (sp.end_at IS NULL OR sp.end_at > $3)
  )`;

/** Figures of one row of the report; `owner` and `templateId` null where the row sums over them. */
export interface UsageRow extends UsageFigures {
  owner: string | null;
  templateId: string | null;
}

interface Window {
  pairs: UsagePair[];
  from: Date;
  to: Date;
  now: Date;
}

const windowParameters = (w: Window) => [w.pairs.map((p) => p.templateId), w.pairs.map((p) => p.ownerKey), w.from, w.to, w.now, w.pairs.map((p) => p.owner)];

/**
 * Every figure of a report in one statement: per owner and template, per owner, per template and the total
 * (GROUPING SETS), each with time used clipped to the range, and launches, failures (a launch that failed
 * before it was ready) and the median time to ready among the spans that started inside it.
 */
export async function readUsageFigures(window: Window): Promise<UsageRow[]> {
  const { rows } = await sqlPool().query<{ owner: string | null; template_id: string | null; used_ms: string; launches: number; failures: number; median_ready_ms: number | null }>(
    `WITH ${SPANS}
     SELECT owner, template_id::text AS template_id,
            coalesce(sum(used_ms), 0)::text AS used_ms,
            (count(*) FILTER (WHERE launched))::int AS launches,
            (count(*) FILTER (WHERE launched AND outcome = 'failed' AND ready_at IS NULL))::int AS failures,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY ready_ms) FILTER (WHERE launched AND ready_ms IS NOT NULL))::float8 AS median_ready_ms
     FROM clipped
     GROUP BY GROUPING SETS ((owner, template_id), (owner), (template_id), ())`,
    windowParameters(window),
  );
  return rows.map((row) => ({
    owner: row.owner,
    templateId: row.template_id,
    timeUsedMs: Number(row.used_ms),
    launches: row.launches,
    failures: row.failures,
    medianMsToReady: row.median_ready_ms === null ? null : Math.round(row.median_ready_ms),
  }));
}

/** One span of use in a drill-down, with the instance it was on. */
export interface UsageSpanRow extends UsageSpan {
  uuid: string;
  timeUsedMs: number;
}

/** The spans of use of the pairs overlapping the range, newest first (at most `limit`). */
export async function readUsageSpans(window: Window, limit: number): Promise<UsageSpanRow[]> {
  const { rows } = await sqlPool().query<{ uuid: string; owner_key: string; template_id: string; start_at: Date; end_at: Date | null; ready_at: Date | null; outcome: SpanOutcome; claimed: boolean; used_ms: string }>(
    `WITH ${SPANS}
     SELECT uuid, owner_key, template_id::text AS template_id, start_at, end_at, ready_at, outcome, claimed, used_ms::text AS used_ms
     FROM clipped ORDER BY start_at DESC, uuid LIMIT $7`,
    [...windowParameters(window), limit],
  );
  return rows.map((row) => ({
    uuid: row.uuid,
    ownerKey: row.owner_key,
    templateId: row.template_id,
    start: row.start_at,
    end: row.end_at,
    readyAt: row.ready_at,
    outcome: row.outcome,
    claimed: row.claimed,
    timeUsedMs: Number(row.used_ms),
  }));
}
