import "server-only";
import { randomBytes } from "node:crypto";
import type { PoolClient } from "pg";
import type { InstancePhase } from "@/lib/db/generated/enums";
import { EXPIRING_WITHIN, NO_OWNER, PAGE_SIZE, type InstanceListFilter, type InstanceListQuery, type InstanceSort } from "@/lib/domain/instance-list";
import { COUNTED_PHASES, LIVE_PHASES, type Phase } from "@/lib/domain/phase";
import type { MemberCounts } from "@/lib/domain/pool-plan";
import { db, sqlPool, type Prisma } from "./client";
import { WAKE_CHANNEL } from "./coordination";

/**
 * Instances in the database: the one insert that launches and pools share, the row mapping, the lookups
 * of one instance by uuid or by owner and template, and the admin's list of every instance with what a bulk
 * action locks.
 */

type Sql = Pick<PoolClient, "query">;
type Tx = Prisma.TransactionClient;

/** The instance columns a view of it needs, named as the code names them. */
export interface InstanceRecord {
  uuid: string;
  ownerKey: string | null;
  phase: Phase;
  step: string | null;
  health: string | null;
  message: string | null;
  url: string | null;
  /** How to connect, rendered at launch; null when the template opens the URL instead. */
  connectionMessage: string | null;
  namespace: string | null;
  engine: string;
  engineRef: string | null;
  pooled: boolean;
  params: Prisma.JsonValue;
  createdAt: Date;
  claimedAt: Date | null;
  readyAt: Date | null;
  expiresAt: Date | null;
  extendCount: number;
  deletedAt: Date | null;
}

const RECORD_COLUMNS = {
  uuid: "uuid",
  ownerKey: "owner_key",
  phase: "phase::text",
  step: "step",
  health: "health",
  message: "message",
  url: "url",
  connectionMessage: "connection_message",
  namespace: "namespace",
  engine: "engine",
  engineRef: "engine_ref",
  pooled: "pooled",
  params: "params",
  createdAt: "created_at",
  claimedAt: "claimed_at",
  readyAt: "ready_at",
  expiresAt: "expires_at",
  extendCount: "extend_count",
  deletedAt: "deleted_at",
} satisfies Record<keyof InstanceRecord, string>;

/** The columns of an InstanceRecord, for plain SQL statements. */
export const RECORD_SELECT = Object.entries(RECORD_COLUMNS)
  .map(([field, column]) => `${column} AS "${field}"`)
  .join(", ");

/** An instance row as `to_jsonb` writes it (snake_case names, timestamps as text), as a record. */
export function recordFromJson(row: Record<string, unknown>): InstanceRecord {
  const date = (value: unknown) => (typeof value === "string" ? new Date(value) : null);
  return {
    uuid: row.uuid as string,
    ownerKey: row.owner_key as string | null,
    phase: row.phase as Phase,
    step: row.step as string | null,
    health: row.health as string | null,
    message: row.message as string | null,
    url: row.url as string | null,
    connectionMessage: (row.connection_message as string | null | undefined) ?? null,
    namespace: row.namespace as string | null,
    engine: row.engine as string,
    engineRef: row.engine_ref as string | null,
    pooled: row.pooled as boolean,
    params: row.params as Prisma.JsonValue,
    createdAt: date(row.created_at)!,
    claimedAt: date(row.claimed_at),
    readyAt: date(row.ready_at),
    expiresAt: date(row.expires_at),
    extendCount: row.extend_count as number,
    deletedAt: date(row.deleted_at),
  };
}

/** The template fields a view of an instance shows, loaded with it. */
export const instanceInclude = {
  template: { select: { id: true, name: true, displayName: true, icon: true, ttlSeconds: true, ttlExtendSeconds: true, ttlMaxExtends: true, poolRecycle: true } },
  templateVersion: { select: { version: true } },
} as const;
export type InstanceRow = Prisma.InstanceGetPayload<{ include: typeof instanceInclude }>;

/** A new instance uuid: 8 hex characters (collisions are retried by the insert). */
export function newInstanceUuid(): string {
  return randomBytes(4).toString("hex");
}

/** What an insert writes besides the uuid, as rendered for that uuid. */
export interface NewInstance {
  templateId: string;
  versionId: string;
  /** Null for an unclaimed pool member. */
  ownerKey: string | null;
  pooled: boolean;
  params: Record<string, unknown>;
  values: Record<string, unknown>;
  valueFiles: string[];
  namespace: string;
  url: string;
  connectionMessage: string | null;
  engine: string;
  expiresAt: Date | null;
  createdById: string | null;
  message: string;
  now: Date;
}

/**
 * Inserts a Pending instance, with a fresh uuid for each attempt: `build` addresses and renders the instance
 * for the uuid it is given (the uuid is part of its names and values). Wakes the worker with the uuid when
 * `notify`. The rare uuid collision is retried with another uuid.
 */
export async function insertInstance(sql: Sql, build: (uuid: string) => Promise<NewInstance>, options: { notify: boolean }): Promise<InstanceRecord> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const uuid = newInstanceUuid();
    const row = await build(uuid);
    const { rows } = await sql.query<InstanceRecord>(
      `WITH created AS (
         INSERT INTO instances (uuid, template_id, template_version_id, owner_key, params, values, value_files, phase, message,
                                namespace, url, engine, pooled, expires_at, created_by_id, created_at, updated_at, connection_message)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'Pending', $8, $9, $10, $11, $12, $13, $14, $15, $15, $18)
         ON CONFLICT (uuid) DO NOTHING
         RETURNING *
       )
       SELECT ${RECORD_SELECT}, CASE WHEN $16 THEN pg_notify($17, uuid) END AS woken FROM created`,
      [
        uuid,
        row.templateId,
        row.versionId,
        row.ownerKey,
        JSON.stringify(row.params),
        JSON.stringify(row.values),
        row.valueFiles,
        row.message,
        row.namespace,
        row.url,
        row.engine,
        row.pooled,
        row.expiresAt,
        row.createdById,
        row.now,
        options.notify,
        WAKE_CHANNEL,
        row.connectionMessage,
      ],
    );
    if (rows[0]) {
      const { woken, ...record } = rows[0] as InstanceRecord & { woken: unknown };
      return record;
    }
  }
  throw new Error("could not find a free instance uuid in 5 attempts");
}

/** One instance by uuid with its template's view fields, or null. */
export function findInstance(uuid: string, tx: Pick<Tx, "instance"> = db()): Promise<InstanceRow | null> {
  return tx.instance.findUnique({ where: { uuid }, include: instanceInclude });
}

/**
 * The owner's live instance of a template that a launch returns, or null: the oldest, a failed one only when
 * there is no other (as in `envdeck_launch_state`).
 */
export async function findLiveInstance(templateId: string, ownerKey: string, tx: Pick<Tx, "instance"> = db()): Promise<InstanceRow | null> {
  const rows = await tx.instance.findMany({
    where: { templateId, ownerKey, deletedAt: null, phase: { in: LIVE_PHASES as InstancePhase[] } },
    include: instanceInclude,
    orderBy: { createdAt: "asc" },
  });
  return rows.find((row) => row.phase !== "Failed") ?? rows[0] ?? null;
}

/** Everything owned by any of `ownerKeys` that is not being torn down, newest first. */
export function listOwnedInstances(ownerKeys: string[], limit = 500): Promise<InstanceRow[]> {
  return db().instance.findMany({
    where: { ownerKey: { in: ownerKeys }, deletedAt: null, phase: { not: "Expiring" } },
    include: instanceInclude,
    orderBy: { createdAt: "desc" },
    take: limit,
  });
}

/** A template's live instances, counted as the pool controller and the impact of a settings change need them. */
export interface TemplateInstanceCounts {
  /** Every instance not being torn down: claimed, on-demand and unclaimed. */
  total: number;
  /** Pool members nobody has claimed, ready or starting. */
  unclaimed: number;
  /** Of those, the ones ready to claim now. */
  unclaimedReady: number;
  /** Of the unclaimed members, those of a version older than the one given (none when no version is given). */
  outdated: MemberCounts;
  /** Instances someone owns (claimed or launched on demand), failed ones included. */
  owned: number;
}

/**
 * Counts a template's instances that are not being torn down, in one statement. Unclaimed members that failed
 * are left out: the pool controller tears them down and replaces them whatever the settings say. With
 * `latestVersion`, unclaimed members of older versions are counted apart: the pool replaces them.
 */
export async function countTemplateInstances(sql: Sql, templateId: string, latestVersion: number | null = null): Promise<TemplateInstanceCounts> {
  const { rows } = await sql.query<Omit<TemplateInstanceCounts, "outdated"> & { outdatedReady: number; outdatedStarting: number }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE i.owner_key IS NULL AND i.pooled)::int AS unclaimed,
            count(*) FILTER (WHERE i.owner_key IS NULL AND i.pooled AND i.phase = 'Available')::int AS "unclaimedReady",
            count(*) FILTER (WHERE i.owner_key IS NULL AND i.pooled AND i.phase = 'Available' AND v.version < $2)::int AS "outdatedReady",
            count(*) FILTER (WHERE i.owner_key IS NULL AND i.pooled AND i.phase <> 'Available' AND v.version < $2)::int AS "outdatedStarting",
            count(*) FILTER (WHERE i.owner_key IS NOT NULL)::int AS owned
     FROM instances i JOIN template_versions v ON v.id = i.template_version_id
     WHERE i.template_id = $1::uuid AND i.deleted_at IS NULL AND i.phase <> 'Expiring'
       AND NOT (i.owner_key IS NULL AND i.pooled AND i.phase = 'Failed')`,
    [templateId, latestVersion ?? 0],
  );
  const { outdatedReady, outdatedStarting, ...counts } = rows[0]!;
  return { ...counts, outdated: { ready: outdatedReady, starting: outdatedStarting } };
}

/** Warm pool members of a template free to claim right now. */
export function countWarmMembers(templateId: string): Promise<number> {
  return db().instance.count({ where: { templateId, phase: "Available", ownerKey: null, deletedAt: null } });
}

/**
 * The median time from launch to Ready of a template's last `sample` launches (pool members included: they
 * install the same chart), in whole seconds; null when none was ever ready.
 */
export async function estimateReadySeconds(templateId: string, sample: number): Promise<number | null> {
  const { rows } = await sqlPool().query<{ seconds: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ready_at - created_at)) AS seconds
     FROM (SELECT ready_at, created_at FROM instances
           WHERE template_id = $1::uuid AND ready_at IS NOT NULL ORDER BY created_at DESC LIMIT $2) recent`,
    [templateId, sample],
  );
  const seconds = rows[0]?.seconds;
  return seconds === null || seconds === undefined ? null : Math.max(1, Math.round(Number(seconds)));
}

/** The names of the templates any of `ownerKeys` has an instance of that is starting or running (not failed). */
export async function listRunningTemplateNames(ownerKeys: string[]): Promise<string[]> {
  if (ownerKeys.length === 0) return [];
  const { rows } = await sqlPool().query<{ name: string }>(
    `SELECT DISTINCT t.name FROM instances i JOIN templates t ON t.id = i.template_id
     WHERE i.owner_key = ANY($1) AND i.deleted_at IS NULL AND i.phase::text = ANY($2)`,
    [ownerKeys, COUNTED_PHASES],
  );
  return rows.map((r) => r.name).sort();
}

/** An instance as the admin's list shows it, with its template's names and TTL policy. */
export interface AdminInstanceRecord extends InstanceRecord {
  id: string;
  template: string;
  displayName: string;
  templateDeleted: boolean;
  version: number;
  ttlSeconds: number;
  ttlExtendSeconds: number;
  ttlMaxExtends: number;
}

const ADMIN_SELECT = `i.id::text AS id, ${Object.entries(RECORD_COLUMNS)
  .map(([field, column]) => `i.${column} AS "${field}"`)
  .join(", ")}, t.name AS template, t.display_name AS "displayName", t.deleted_at IS NOT NULL AS "templateDeleted", v.version,
  t.ttl_seconds AS "ttlSeconds", t.ttl_extend_seconds AS "ttlExtendSeconds", t.ttl_max_extends AS "ttlMaxExtends"`;
const ADMIN_FROM = "instances i JOIN templates t ON t.id = i.template_id JOIN template_versions v ON v.id = i.template_version_id";

const SORT_COLUMNS: Record<InstanceSort, string> = {
  created: "i.created_at",
  expires: "i.expires_at",
  template: "t.name",
  owner: "i.owner_key",
  phase: "i.phase",
  uuid: "i.uuid",
};

/**
 * The WHERE clause of a filter over ADMIN_FROM, its values appended to `values` ($1, $2… as both node-postgres
 * and Prisma's raw queries number them). `now` is the caller's clock, so "expiring within" is what it saw.
 */
function filterWhere(filter: InstanceListFilter, now: Date, values: unknown[]): string {
  const param = (value: unknown) => `$${values.push(value)}`;
  const where: string[] = [];
  if (filter.show === "live") where.push("i.deleted_at IS NULL");
  if (filter.show === "ended") where.push("i.deleted_at IS NOT NULL");
  if (filter.template) where.push(`t.name = ${param(filter.template)}`);
  if (filter.owner === NO_OWNER) where.push("i.owner_key IS NULL");
  else if (filter.owner) where.push(`i.owner_key LIKE ${param(`%${filter.owner.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  if (filter.phase) where.push(`i.phase = ${param(filter.phase)}::"InstancePhase"`);
  if (filter.expiring) {
    const until = new Date(now.getTime() + EXPIRING_WITHIN[filter.expiring] * 1000);
    where.push(`i.deleted_at IS NULL AND i.phase <> 'Expiring' AND i.expires_at <= ${param(until)}::timestamptz`);
  }
  if (filter.failed) where.push("(i.phase = 'Failed' OR (i.phase IN ('Pending', 'Provisioning') AND i.health = 'degraded'))");
  return where.length > 0 ? where.join(" AND ") : "true";
}

/** One page of every instance a query matches, with how many match in all; deliberately not scoped to an owner (admins only). */
export async function listInstancesPage(query: InstanceListQuery, now: Date): Promise<{ rows: AdminInstanceRecord[]; total: number }> {
  const values: unknown[] = [];
  const where = filterWhere(query.filter, now, values);
  const direction = query.order === "asc" ? "ASC" : "DESC";
  // Rows without a value (no expiry, no owner) come last whichever way the column is sorted.
  const order = `${SORT_COLUMNS[query.sort]} ${direction} NULLS LAST, i.created_at DESC, i.id`;
  const [page, count] = await Promise.all([
    sqlPool().query<AdminInstanceRecord>(`SELECT ${ADMIN_SELECT} FROM ${ADMIN_FROM} WHERE ${where} ORDER BY ${order} LIMIT ${PAGE_SIZE} OFFSET ${(query.page - 1) * PAGE_SIZE}`, values),
    sqlPool().query<{ total: number }>(`SELECT count(*)::int AS total FROM ${ADMIN_FROM} WHERE ${where}`, values),
  ]);
  return { rows: page.rows, total: count.rows[0]!.total };
}

/** How many instances a filter matches now. */
export async function countMatchingInstances(filter: InstanceListFilter, now: Date): Promise<number> {
  const values: unknown[] = [];
  const { rows } = await sqlPool().query<{ total: number }>(`SELECT count(*)::int AS total FROM ${ADMIN_FROM} WHERE ${filterWhere(filter, now, values)}`, values);
  return rows[0]!.total;
}

/** A row a bulk action decides on and acts on, locked. */
export type BulkRow = AdminInstanceRecord & { templateId: string };

/**
 * Reads the instances a bulk action acts on, by uuid or every one a filter matches, at most `limit` of them.
 * With `lock`, they stay locked for the rest of `tx`, taken in id order so that two bulk actions never wait
 * on each other in a circle.
 */
export async function readBulkRows(
  tx: Pick<Tx, "$queryRawUnsafe">,
  selection: { uuids: string[] } | { filter: InstanceListFilter },
  options: { now: Date; limit: number; lock: boolean },
): Promise<BulkRow[]> {
  const values: unknown[] = [];
  const where = "uuids" in selection ? `i.uuid = ANY(${`$${values.push(selection.uuids)}`}::text[])` : filterWhere(selection.filter, options.now, values);
  return tx.$queryRawUnsafe<BulkRow[]>(
    `SELECT ${ADMIN_SELECT}, i.template_id::text AS "templateId" FROM ${ADMIN_FROM} WHERE ${where} ORDER BY i.id LIMIT ${options.limit}${options.lock ? " FOR UPDATE OF i" : ""}`,
    ...values,
  );
}

/** Templates to filter by: every one that is not a base, deleted ones included (their environments may still run). */
export async function listTemplateChoices(): Promise<{ name: string; displayName: string; deleted: boolean }[]> {
  const { rows } = await sqlPool().query<{ name: string; displayName: string; deleted: boolean }>(
    `SELECT name, display_name AS "displayName", deleted_at IS NOT NULL AS deleted FROM templates WHERE NOT is_base ORDER BY lower(display_name), name`,
  );
  return rows;
}

/** Everything an admin reads of one instance: the row with its template, its history, and its creator's username. */
export async function findInstanceDetail(uuid: string) {
  const row = await db().instance.findUnique({
    where: { uuid },
    include: {
      template: { select: { id: true, name: true, displayName: true, icon: true, ttlSeconds: true, ttlExtendSeconds: true, ttlMaxExtends: true, poolRecycle: true, method: true, deletedAt: true } },
      templateVersion: { select: { version: true } },
      events: { orderBy: { id: "asc" }, take: 500 },
    },
  });
  if (!row) return null;
  const creator = row.createdById ? await db().user.findUnique({ where: { id: row.createdById }, select: { username: true } }) : null;
  return { ...row, creatorName: creator?.username ?? null };
}
export type InstanceDetailRow = NonNullable<Awaited<ReturnType<typeof findInstanceDetail>>>;

/** The audit entries about one instance, oldest first (at most `limit`, the latest ones). */
export async function listInstanceAudit(uuid: string, limit = 100) {
  const rows = await db().auditEvent.findMany({
    where: { objectType: "instance", objectId: uuid },
    orderBy: { id: "desc" },
    take: limit,
    select: { at: true, actorName: true, action: true, before: true, after: true },
  });
  return rows.reverse();
}

/** Environments that are not deleted, counted by their template's name and their phase (for /api/metrics). */
export async function countInstancesByTemplateAndPhase(): Promise<{ template: string; phase: string; count: number }[]> {
  const { rows } = await sqlPool().query<{ template: string; phase: string; count: number }>(
    `SELECT t.name AS template, i.phase::text AS phase, count(*)::int AS count
     FROM instances i JOIN templates t ON t.id = i.template_id
     WHERE i.deleted_at IS NULL
     GROUP BY t.name, i.phase`,
  );
  return rows;
}
