import "server-only";
import { getConfig } from "@/lib/config";
import type { PoolClient } from "pg";
import { sqlPool, withSqlTransaction } from "@/lib/db/client";
import { LOCKS, POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { OwnerKeyError, ownerKeyFor } from "@/lib/domain/owner-key";
import { assertCan } from "@/lib/domain/permissions";
import { LIVE_PHASES, nextPhase } from "@/lib/domain/phase";
import { expiryFrom } from "@/lib/domain/ttl";
import { TemplateError } from "@/lib/templates/errors";
import { coerceParameterStrings, validateParameters } from "@/lib/templates/parameters";
import { toEnvironmentView, VIEW_COLUMNS, type EnvironmentView, type ViewSource } from "./environments";
import { getLaunchAvailability } from "./launch-availability";
import { loadLaunchTemplate, prepareInstance, type LaunchTemplate } from "./launch-spec";
import { asInvalidInput } from "./templates";

/**
 * Launch (DESIGN.md "Key flows", M2 M7 M9 M10 M33): one call for the server action, the REST API and the
 * tests. Everything that decides the outcome happens in one transaction under a per-owner advisory lock, so
 * concurrent launches of one owner are serialised (quota and "return the existing instance" hold), while
 * different owners only meet on the pool rows they claim, where `FOR UPDATE SKIP LOCKED` hands each a
 * different member without waiting.
 */

export type LaunchOutcome = "existing" | "claimed" | "created";

export interface LaunchResult {
  outcome: LaunchOutcome;
  environment: EnvironmentView;
}


type InstanceColumns = Omit<ViewSource, "template" | "templateVersion">;

interface OwnerState {
  /** Live instances of the owner key, across templates. */
  live: number;
  /** The owner's live instance of this template, if any. */
  existing: string | null;
  /** The pool member just claimed for the owner, if the template is a pool and one was free. */
  claimed: InstanceColumns | null;
}

/** An instance row as `to_jsonb` writes it: snake_case names, timestamps as text. */
function columnsFromJson(row: Record<string, unknown>): InstanceColumns {
  const date = (value: unknown) => (typeof value === "string" ? new Date(value) : null);
  return {
    uuid: row.uuid as string,
    ownerKey: row.owner_key as string | null,
    phase: row.phase as InstanceColumns["phase"],
    step: row.step as string | null,
    health: row.health as string | null,
    message: row.message as string | null,
    url: row.url as string | null,
    namespace: row.namespace as string | null,
    engine: row.engine as string,
    engineRef: row.engine_ref as string | null,
    pooled: row.pooled as boolean,
    params: row.params as InstanceColumns["params"],
    createdAt: date(row.created_at)!,
    claimedAt: date(row.claimed_at),
    readyAt: date(row.ready_at),
    expiresAt: date(row.expires_at),
    extendCount: row.extend_count as number,
    deletedAt: date(row.deleted_at),
  };
}

/**
 * The owner's state, and for a pool template (when the owner has no instance of it and is under quota) one
 * claimed Available member: one call of `envdeck_launch_state` (see its migration), which takes the owner's
 * lock first. `sql` is the pool (autocommit: the lock ends with the call) or a launch's transaction.
 */
async function readStateAndClaim(
  sql: Pick<PoolClient, "query">,
  template: LaunchTemplate,
  ownerKey: string,
  limit: number,
  identity: Identity,
  now: Date,
): Promise<OwnerState> {
  const { rows } = await sql.query<{ state: { live: number; existing: string | null; claimed: Record<string, unknown> | null } }>(
    "SELECT envdeck_launch_state($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) AS state",
    [
      template.id,
      ownerKey,
      LOCKS.owner,
      ownerLockKey(ownerKey),
      // Live phases count against the quota and are what "return the existing instance" looks for.
      LIVE_PHASES,
      template.method === "pool",
      limit,
      nextPhase("Available", "Claimed"),
      now,
      expiryFrom(now, template.ttlSeconds),
      identity.userId,
      WAKE_CHANNEL,
      POOL_WAKE_PREFIX + template.id,
    ],
  );
  const state = rows[0]!.state;
  return { live: state.live, existing: state.existing, claimed: state.claimed ? columnsFromJson(state.claimed) : null };
}

async function instanceColumns(sql: Pick<PoolClient, "query">, uuid: string): Promise<InstanceColumns> {
  const { rows } = await sql.query<InstanceColumns>(`SELECT ${VIEW_COLUMNS} FROM instances WHERE uuid = $1`, [uuid]);
  return rows[0]!;
}

/** Refuses an on-demand instance of a pool template once the template has maxSize live instances. */
async function assertCapacity(sql: PoolClient, template: LaunchTemplate): Promise<void> {
  if (template.method !== "pool" || template.poolMaxSize <= 0) return;
  // Serialises creations for this template only (claims do not take it), so the count below stays true.
  await sql.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [LOCKS.templateCapacity, template.id]);
  const { rows } = await sql.query<{ total: number }>(
    "SELECT count(*)::int AS total FROM instances WHERE template_id = $1 AND deleted_at IS NULL AND phase <> 'Expiring'",
    [template.id],
  );
  if (rows[0]!.total >= template.poolMaxSize) {
    throw new AppError(
      "POOL_EXHAUSTED",
      `Every "${template.displayName}" environment is in use (the limit is ${template.poolMaxSize}). Please try again in a few minutes.`,
    );
  }
}

/** Inserts a Pending on-demand instance; retries the (unlikely) uuid collision with a fresh uuid. */
async function insertOnDemand(
  sql: PoolClient,
  template: LaunchTemplate,
  ownerKey: string,
  identity: Identity,
  params: Record<string, unknown>,
  now: Date,
): Promise<InstanceColumns> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const prepared = await prepareInstance({ template, ownerKey, pooled: false, params, identity, exposedClaims: getConfig().exposedClaims, settings: template.settings });
    const { rows } = await sql.query<InstanceColumns>(
      `WITH created AS (
         INSERT INTO instances (uuid, template_id, template_version_id, owner_key, params, values, value_files, phase, message,
                                namespace, url, engine, pooled, expires_at, created_by_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'Pending', 'Queued: waiting for the worker', $8, $9, $10, false, $11, $12, $13, $13)
         ON CONFLICT (uuid) DO NOTHING
         RETURNING *
       )
       SELECT ${VIEW_COLUMNS}, pg_notify($14, uuid)::text AS n1 FROM created`,
      [
        prepared.uuid,
        template.id,
        template.versionId,
        ownerKey,
        JSON.stringify(params),
        JSON.stringify(prepared.values),
        prepared.valueFiles,
        prepared.namespace,
        prepared.url,
        template.engine,
        expiryFrom(now, template.ttlSeconds),
        identity.userId,
        now,
        WAKE_CHANNEL,
      ],
    );
    if (rows[0]) return rows[0];
  }
  throw new Error("could not find a free instance uuid in 5 attempts");
}

function quotaMessage(ownerKey: string, identity: Identity, limit: number): string {
  const whose = ownerKey === identity.username ? "You have" : `The group "${ownerKey}" has`;
  const their = ownerKey === identity.username ? "your" : "its";
  return `${whose} reached ${their} quota: a limit of ${limit} running environment${limit === 1 ? "" : "s"}. Delete one to launch another.`;
}

/** A 32-bit advisory lock key for an owner key (FNV-1a): computed here so the lock rides along with BEGIN. */
export function ownerLockKey(ownerKey: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(ownerKey, "utf8")) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash | 0;
}

/** Validates parameters now, but reports a problem only if the launch gets as far as needing them. */
function checkParameters(schema: Record<string, unknown>, params: unknown, asText: boolean): { values: Record<string, unknown> } | { error: AppError } {
  try {
    const input = asText && params && typeof params === "object" ? coerceParameterStrings(schema, params as Record<string, string>) : params;
    return { values: validateParameters(schema, input) };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const missing = error.issues.find((issue) => issue.message === "is required");
    if (missing) {
      const name = missing.path.replace(/^params\./, "");
      return { error: new AppError("INVALID_INPUT", `Missing required parameter "${name}".`, { [missing.path]: ["is required"] }) };
    }
    try {
      asInvalidInput(error);
    } catch (invalid) {
      return { error: invalid as AppError };
    }
  }
}

/**
 * Launches `name` for the caller. Returns the owner's existing instance of the template when there is one
 * (whatever the parameters, as Dploy's `/run/{name}` does), else claims a pool member or creates an on-demand
 * instance. `params` are typed values, or text (a query string, a form) with `paramsAreText`, typed by the
 * template's schema.
 */
export async function launch(identity: Identity | null, name: string, params: unknown = {}, options: { paramsAreText?: boolean } = {}): Promise<LaunchResult> {
  assertCan(identity, "instance:launch");
  const availability = getLaunchAvailability();
  if (!availability.available) throw new AppError("UNAVAILABLE", availability.reason!);

  const template = await loadLaunchTemplate(name);
  if (!template.enabled) {
    throw new AppError("NOT_FOUND", `"${template.displayName}" is disabled by an administrator and cannot be launched right now.`);
  }
  let ownerKey: string;
  try {
    ownerKey = ownerKeyFor(identity, template.composed.ownerClaim, getConfig().oidc?.claims.username);
  } catch (error) {
    if (error instanceof OwnerKeyError) throw new AppError("FORBIDDEN", error.message);
    throw error;
  }
  const checked = checkParameters(template.composed.parameters, params, options.paramsAreText ?? false);
  const limit = template.maxInstancesPerUser ?? template.settings.defaultQuota;
  const now = new Date();

  // The common outcomes (existing instance, claim, quota) take one call, without a transaction of our own.
  const decide = async (sql: Pick<PoolClient, "query">): Promise<{ outcome: LaunchOutcome; row: InstanceColumns } | null> => {
    const state = await readStateAndClaim(sql, template, ownerKey, limit, identity, now);
    if (state.existing) return { outcome: "existing", row: await instanceColumns(sql, state.existing) };
    if ("error" in checked) throw checked.error;
    if (limit > 0 && state.live >= limit) throw new AppError("QUOTA_EXCEEDED", quotaMessage(ownerKey, identity, limit));
    if (state.claimed) return { outcome: "claimed", row: state.claimed };
    if (template.method === "pool" && template.poolFallback === "refuse") {
      throw new AppError("POOL_EXHAUSTED", `No warm "${template.displayName}" environment is free right now. Please try again in a minute.`);
    }
    return null;
  };
  const { outcome, row } =
    (await decide(sqlPool())) ??
    // On-demand: decided again inside the transaction that inserts, under the owner's lock until commit.
    (await withSqlTransaction(async (sql) => {
      const again = await decide(sql);
      if (again) return again;
      if ("error" in checked) throw checked.error; // decide() has thrown it already; this narrows the type
      await assertCapacity(sql, template);
      return { outcome: "created" as const, row: await insertOnDemand(sql, template, ownerKey, identity, checked.values, now) };
    }));
  const view = toEnvironmentView(
    {
      ...row,
      template: { ...template, icon: template.icon as ViewSource["template"]["icon"] },
      templateVersion: { version: template.version },
    },
    identity,
  );
  return { outcome, environment: view };
}
