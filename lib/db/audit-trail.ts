import "server-only";
import { containsPattern, escapeLike, type AuditEventView, type AuditFilter, type AuditRange } from "@/lib/domain/audit-trail";
import { sqlPool } from "./client";

/**
 * Reading the audit trail for the admin area: the filters of lib/domain/audit-trail.ts as one WHERE clause,
 * a page of entries newest first, a bounded count, and the batches an export streams. Every value is a
 * query parameter; nothing from a filter is ever spliced into the SQL.
 */

interface Clause {
  sql: string;
  params: unknown[];
}

function whereOf(filter: AuditFilter, range: AuditRange): Clause {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.actor) conditions.push(`actor_name ILIKE ${param(containsPattern(filter.actor))}`);
  // A family ("signin") stands for all of its actions ("signin.fail" …).
  if (filter.action) conditions.push(`(action = ${param(filter.action)} OR action LIKE ${param(`${escapeLike(filter.action)}.%`)})`);
  if (filter.objectType) conditions.push(`object_type = ${param(filter.objectType)}`);
  if (filter.objectId) conditions.push(`object_id = ${param(filter.objectId)}`);
  if (range.from) conditions.push(`at >= ${param(range.from)}`);
  if (range.to) conditions.push(`at < ${param(range.to)}`);
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "", params };
}

const COLUMNS = `id::text, at, actor_id::text AS "actorId", actor_name AS "actorName", action, object_type AS "objectType",
  object_id AS "objectId", source_address AS "sourceAddress", user_agent AS "userAgent", before, after`;

/** One page of matching entries, newest first. */
export async function listAuditEvents(filter: AuditFilter, range: AuditRange, page: number, pageSize: number): Promise<AuditEventView[]> {
  const where = whereOf(filter, range);
  const { rows } = await sqlPool().query<AuditEventView>(
    `SELECT ${COLUMNS} FROM audit_events ${where.sql} ORDER BY at DESC, id DESC LIMIT $${where.params.length + 1} OFFSET $${where.params.length + 2}`,
    [...where.params, pageSize, (page - 1) * pageSize],
  );
  return rows;
}

/** How many entries match, counting at most `cap + 1`: a huge trail is never counted in full. */
export async function countAuditEvents(filter: AuditFilter, range: AuditRange, cap: number): Promise<number> {
  const where = whereOf(filter, range);
  const { rows } = await sqlPool().query<{ count: string }>(`SELECT count(*) FROM (SELECT 1 FROM audit_events ${where.sql} LIMIT $${where.params.length + 1}) matching`, [...where.params, cap + 1]);
  return Number(rows[0]!.count);
}

/** Where an export has got to: the last entry it wrote. */
export interface AuditCursor {
  at: Date;
  id: string;
}

/** The next `limit` matching entries after `cursor`, newest first: an export walks the trail this way, however long. */
export async function listAuditEventsAfter(filter: AuditFilter, range: AuditRange, cursor: AuditCursor | null, limit: number): Promise<AuditEventView[]> {
  const where = whereOf(filter, range);
  const params = [...where.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const after = cursor ? `${where.sql ? `${where.sql} AND` : "WHERE"} (at, id) < (${param(cursor.at)}, ${param(cursor.id)}::bigint)` : where.sql;
  const { rows } = await sqlPool().query<AuditEventView>(`SELECT ${COLUMNS} FROM audit_events ${after} ORDER BY at DESC, id DESC LIMIT ${param(limit)}`, params);
  return rows;
}

/** Deletes at most `limit` audit entries older than `before`, oldest first; returns how many. */
export async function deleteAuditEventsBefore(before: Date, limit: number): Promise<number> {
  const { rowCount } = await sqlPool().query("DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE at < $1 ORDER BY at LIMIT $2)", [before, limit]);
  return rowCount ?? 0;
}
