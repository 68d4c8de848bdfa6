import "server-only";
import type { PoolClient } from "pg";
import type { WarmUpTiming } from "@/lib/domain/warm-ups";
import { LEAD_TIME } from "@/lib/domain/warm-ups";
import { sqlPool } from "./client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "./coordination";

/**
 * Warm-up bookings in the database, as the pool controller and the teachers' pages read them: a template's
 * bookings that are not over, how long its members took to become Available, and what a class claimed.
 */

type Sql = Pick<PoolClient, "query">;

export interface WarmUpRow {
  id: string;
  classId: string;
  classSlug: string;
  classTitle: string;
  templateId: string;
  templateName: string;
  templateDisplayName: string;
  size: number;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  weeklyUntil: Date | null;
  lastEndsAt: Date;
  createdBy: string | null;
  createdAt: Date;
  cancelledAt: Date | null;
}

export const WARM_UP_SELECT = `SELECT w.id::text, w.class_id::text AS "classId", c.slug AS "classSlug", c.title AS "classTitle",
    w.template_id::text AS "templateId", t.name AS "templateName", t.display_name AS "templateDisplayName", w.size,
    w.starts_at AS "startsAt", w.ends_at AS "endsAt", w.time_zone AS "timeZone",
    CASE WHEN w.weekly_until IS NULL THEN NULL ELSE (w.weekly_until::timestamp AT TIME ZONE 'UTC') END AS "weeklyUntil",
    w.last_ends_at AS "lastEndsAt", u.username AS "createdBy", w.created_at AS "createdAt", w.cancelled_at AS "cancelledAt"
  FROM warm_ups w JOIN classes c ON c.id = w.class_id JOIN templates t ON t.id = w.template_id
  LEFT JOIN users u ON u.id = w.created_by_id`;

/** The timing of a row, for the pure rules. */
export function timingOfRow(row: Pick<WarmUpRow, "startsAt" | "endsAt" | "timeZone" | "weeklyUntil">): WarmUpTiming {
  return { startsAt: row.startsAt, endsAt: row.endsAt, timeZone: row.timeZone, weeklyUntil: row.weeklyUntil };
}

/** Bookings that are not cancelled and not over at `now`, of one template (the pool controller's and the capacity check's). */
export async function listLiveWarmUps(sql: Sql, templateId: string, now: Date): Promise<WarmUpRow[]> {
  const { rows } = await sql.query<WarmUpRow>(`${WARM_UP_SELECT} WHERE w.template_id = $1::uuid AND w.cancelled_at IS NULL AND w.last_ends_at > $2 ORDER BY w.starts_at, w.created_at`, [templateId, now]);
  return rows;
}

/** One booking, cancelled or over included. */
export async function findWarmUp(id: string): Promise<WarmUpRow | null> {
  const { rows } = await sqlPool().query<WarmUpRow>(`${WARM_UP_SELECT} WHERE w.id = $1::uuid`, [id]);
  return rows[0] ?? null;
}

/**
 * Bookings for the listed classes (null: every class, for an admin), the ones not over first by start, then
 * the most recent that are over or cancelled, `limit` in all.
 */
export async function listWarmUps(classIds: string[] | null, now: Date, limit = 200): Promise<WarmUpRow[]> {
  const { rows } = await sqlPool().query<WarmUpRow>(
    `${WARM_UP_SELECT} WHERE ($1::uuid[] IS NULL OR w.class_id = ANY($1::uuid[]))
     ORDER BY (w.cancelled_at IS NULL AND w.last_ends_at > $2) DESC,
              CASE WHEN w.cancelled_at IS NULL AND w.last_ends_at > $2 THEN w.starts_at END ASC,
              w.last_ends_at DESC
     LIMIT $3`,
    [classIds, now, limit],
  );
  return rows;
}

/**
 * How long the template's most recent pool members took from creation to Available (ms), newest first: what the
 * lead time is learned from. Members that never got there (failed, still starting) say nothing about it.
 */
export async function recentReadyDurations(sql: Sql, templateId: string): Promise<number[]> {
  const { rows } = await sql.query<{ ms: string }>(
    `SELECT (extract(epoch FROM ready_at - created_at) * 1000)::bigint::text AS ms FROM instances
     WHERE template_id = $1::uuid AND pooled AND ready_at IS NOT NULL ORDER BY ready_at DESC LIMIT $2`,
    [templateId, LEAD_TIME.samples],
  );
  return rows.map((r) => Number(r.ms));
}

/**
 * Pool members of the template that members of the class claimed within [from, to): those no longer need to
 * be kept warm for the class. A member is the class's if the account that claimed it (the claim stamps
 * `created_by_id`) is on the roster: by hand, by the join code, or through one of the class's groups. Who
 * claimed, not the owner key: a template owned by a group or by another claim keys its instances by that value,
 * and one claim then serves a whole team.
 */
export async function countClassClaims(sql: Sql, templateId: string, classId: string, from: Date, to: Date): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM instances i
     WHERE i.template_id = $1::uuid AND i.pooled AND i.claimed_at >= $3 AND i.claimed_at < $4
       AND i.created_by_id IN (
         SELECT m.user_id FROM class_members m WHERE m.class_id = $2::uuid
         UNION SELECT u.id FROM users u JOIN classes c ON c.id = $2::uuid WHERE u.groups && c.groups)`,
    [templateId, classId, from, to],
  );
  return rows[0]!.n;
}

/** The unclaimed members ready to claim now, and when each became ready (oldest first). */
export async function readyMembers(templateId: string): Promise<Date[]> {
  const { rows } = await sqlPool().query<{ readyAt: Date }>(
    `SELECT coalesce(ready_at, updated_at) AS "readyAt" FROM instances
     WHERE template_id = $1::uuid AND pooled AND owner_key IS NULL AND deleted_at IS NULL AND phase = 'Available'
     ORDER BY coalesce(ready_at, updated_at)`,
    [templateId],
  );
  return rows.map((r) => r.readyAt);
}

/** Wakes the worker's pool controller for the template (delivered at commit when sent inside a transaction). */
export async function wakePool(sql: Sql, templateId: string): Promise<void> {
  await sql.query("SELECT pg_notify($1, $2)", [WAKE_CHANNEL, POOL_WAKE_PREFIX + templateId]);
}
