import "server-only";
import { sqlPool } from "./client";
import type { SpanOutcome, UsageFigures, UsageSpan } from "@/lib/domain/usage";

/**
 * Usage reports' data access. A class's report covers its members (a member row or a bound group) and the
 * templates of its live catalogs (catalog_classes → catalog_items): the scope the class's teachers see. Spans
 * of use are read from the instance history that a trigger writes (instance_events, migration
 * 20261128000000_instance_history), since an instance's own row forgets an earlier owner when a pool member
 * goes back to its pool and is claimed again.
 */

/** A class member as a report names them, with the groups that may own environments of group templates. */
export interface UsageMember {
  username: string;
  displayName: string | null;
  groups: string[];
}

export interface UsageTemplate {
  id: string;
  name: string;
  displayName: string;
}

/** Everyone in the class (members and bound groups' members), the class's bound groups, and its catalogs' templates. */
export async function readUsageScope(classId: string): Promise<{ members: UsageMember[]; classGroups: string[]; templates: UsageTemplate[] }> {
  const { rows } = await sqlPool().query<{ members: UsageMember[] | null; classGroups: string[]; templates: UsageTemplate[] | null }>(
    `SELECT coalesce(c.groups, '{}') AS "classGroups",
            (SELECT json_agg(json_build_object('username', u.username, 'displayName', u.display_name, 'groups', coalesce(u.groups, '{}')) ORDER BY u.username)
             FROM users u
             WHERE EXISTS (SELECT 1 FROM class_members m WHERE m.class_id = c.id AND m.user_id = u.id)
                OR (cardinality(coalesce(c.groups, '{}')) > 0 AND u.groups && c.groups)) AS members,
            (SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'displayName', t.display_name) ORDER BY lower(t.display_name), t.name)
             FROM templates t
             WHERE t.id IN (SELECT ci.template_id FROM catalog_classes cc
                            JOIN catalogs k ON k.id = cc.catalog_id AND k.deleted_at IS NULL
                            JOIN catalog_items ci ON ci.catalog_id = k.id
                            WHERE cc.class_id = c.id)) AS templates
     FROM classes c WHERE c.id = $1::uuid`,
    [classId],
  );
  const row = rows[0];
  return { members: row?.members ?? [], classGroups: row?.classGroups ?? [], templates: row?.templates ?? [] };
}

/**
 * The spans of use of instances of `templateIds` owned by one of `ownerKeys` that overlap [from, to).
 * Parameters: $1 template ids, $2 owner keys, $3 from, $4 to, $5 now.
 *
 * The history is walked per instance in order: a span starts where an owner key appears (the instance's first
 * moment: a launch; or a change of owner: a claim) and ends at the first later moment that is Expiring (its
 * teardown started, whoever ended it or its TTL), Failed, deleted, or owned by someone else or nobody (a pool
 * member sent back to its pool). A pool member's time while nobody owns it belongs to no span. A span's ready
 * moment is its first Ready or Claimed moment before its end: a claimed member was Available already, so a
 * claim is ready at once.
 */
const SPANS = `
  ev AS (
    SELECT e.id, e.instance_id, e.at, e.phase::text AS phase, e.owner_key, e.deleted,
           i.template_id, i.uuid, i.created_at, i.deleted_at AS instance_deleted_at,
           row_number() OVER w AS n, lag(e.owner_key) OVER w AS prev_owner
    FROM instances i JOIN instance_events e ON e.instance_id = i.id
    WHERE i.template_id = ANY($1::uuid[])
      AND i.created_at < $4
      AND (i.deleted_at IS NULL OR i.deleted_at > $3)
    WINDOW w AS (PARTITION BY e.instance_id ORDER BY e.at, e.id)
  ),
  spans AS (
    SELECT s.instance_id, s.uuid, s.template_id, s.owner_key,
           -- Instances older than their history start it at their row's last change: their creation is earlier.
           CASE WHEN s.n = 1 THEN least(s.created_at, s.at) ELSE s.at END AS start_at,
           s.n > 1 AS claimed,
           coalesce(fin.at, s.instance_deleted_at) AS end_at,
           CASE WHEN fin.at IS NULL AND s.instance_deleted_at IS NULL THEN 'running' ELSE coalesce(fin.outcome, 'ended') END AS outcome,
           rdy.at AS ready_at
    FROM ev s
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
    WHERE s.owner_key = ANY($2::text[]) AND (s.n = 1 OR s.prev_owner IS DISTINCT FROM s.owner_key)
  ),
  clipped AS (
    SELECT sp.*,
           greatest(0, extract(epoch FROM least(coalesce(sp.end_at, $5), $4) - greatest(sp.start_at, $3)) * 1000)::bigint AS used_ms,
           (sp.start_at >= $3 AND sp.start_at < $4) AS launched,
           extract(epoch FROM sp.ready_at - sp.start_at) * 1000 AS ready_ms
    FROM spans sp
    WHERE sp.start_at < $4 AND (sp.end_at IS NULL OR sp.end_at > $3)
  )`;

/** Figures of one row of the report; `ownerKey` and `templateId` null where the row sums over them. */
export interface UsageRow extends UsageFigures {
  ownerKey: string | null;
  templateId: string | null;
}

interface Window {
  templateIds: string[];
  ownerKeys: string[];
  from: Date;
  to: Date;
  now: Date;
}

/**
 * Every figure of a report in one statement: per owner and template, per owner, per template and the total
 * (GROUPING SETS), each with time used clipped to the range, and launches, failures (a launch that failed
 * before it was ready) and the median time to ready among the spans that started inside it.
 */
export async function readUsageFigures(window: Window): Promise<UsageRow[]> {
  const { rows } = await sqlPool().query<{ owner_key: string | null; template_id: string | null; used_ms: string; launches: number; failures: number; median_ready_ms: number | null }>(
    `WITH ${SPANS}
     SELECT owner_key, template_id::text AS template_id,
            coalesce(sum(used_ms), 0)::text AS used_ms,
            (count(*) FILTER (WHERE launched))::int AS launches,
            (count(*) FILTER (WHERE launched AND outcome = 'failed' AND ready_at IS NULL))::int AS failures,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY ready_ms) FILTER (WHERE launched AND ready_ms IS NOT NULL))::float8 AS median_ready_ms
     FROM clipped
     GROUP BY GROUPING SETS ((owner_key, template_id), (owner_key), (template_id), ())`,
    [window.templateIds, window.ownerKeys, window.from, window.to, window.now],
  );
  return rows.map((row) => ({
    ownerKey: row.owner_key,
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

/** The spans of use of `ownerKeys` overlapping the range, newest first (at most `limit`). */
export async function readUsageSpans(window: Window, limit: number): Promise<UsageSpanRow[]> {
  const { rows } = await sqlPool().query<{ uuid: string; owner_key: string; template_id: string; start_at: Date; end_at: Date | null; ready_at: Date | null; outcome: SpanOutcome; claimed: boolean; used_ms: string }>(
    `WITH ${SPANS}
     SELECT uuid, owner_key, template_id::text AS template_id, start_at, end_at, ready_at, outcome, claimed, used_ms::text AS used_ms
     FROM clipped ORDER BY start_at DESC, uuid LIMIT $6`,
    [window.templateIds, window.ownerKeys, window.from, window.to, window.now, limit],
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
