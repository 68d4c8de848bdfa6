import "server-only";
import type { PoolClient } from "pg";
import { recordAuditSql } from "@/lib/db/audit";
import { claimForOwner, type OwnerState } from "@/lib/db/claim";
import { sqlPool, withSqlTransaction } from "@/lib/db/client";
import { LOCKS } from "@/lib/db/coordination";
import { insertInstance, RECORD_SELECT, type InstanceRecord } from "@/lib/db/instances";
import { loadTemplate } from "@/lib/db/templates";
import { AppError, toAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { expiryFrom } from "@/lib/domain/ttl";
import { metrics } from "@/lib/metrics/registry";
import { renderFor } from "@/lib/templates/compose";
import { launchParameters } from "@/lib/templates/parameters";
import { getLaunchAvailability } from "./internal/launch-availability";
import { assertMayUseClassTemplate, requireLaunchable, type LaunchableTemplate } from "./internal/launchable";
import { ownerKeyForTemplate } from "./internal/owned";
import { toEnvironmentView, type EnvironmentView } from "./view";

/**
 * Launch (docs/architecture.md, "Launch"): one call for the server action, the REST API and the tests. Everything
 * that decides the outcome happens under a per-owner advisory lock (see lib/db/claim.ts), so concurrent
 * launches of one owner are serialised (quota and "return the existing instance" hold), while different
 * owners only meet on the pool rows they claim.
 */

export type LaunchOutcome = "existing" | "claimed" | "created";

export interface LaunchResult {
  outcome: LaunchOutcome;
  environment: EnvironmentView;
}

export interface LaunchInput {
  /** The template's name. */
  template: string;
  /** Typed values, or text (a query string, a form) with `paramsAreText`, typed by the template's schema. */
  params?: unknown;
  paramsAreText?: boolean;
}

/** How a launch is made. */
export interface LaunchOptions {
  /**
   * Who the audit trail names when someone launches for the owner: an admin retrying another person's
   * failed environment (lib/services/instances/retry.ts). The launch is otherwise the owner's own.
   */
  actor?: Identity;
}

type Sql = Pick<PoolClient, "query">;

function quotaMessage(ownerKey: string, identity: Identity, limit: number): string {
  const whose = ownerKey === identity.username ? "You have" : `The group "${ownerKey}" has`;
  const their = ownerKey === identity.username ? "your" : "its";
  return `${whose} reached ${their} quota: a limit of ${limit} running environment${limit === 1 ? "" : "s"}. Delete one to launch another.`;
}

/** Refuses an on-demand instance of a pool template once the template has maxSize live instances. */
async function assertCapacity(sql: Sql, template: LaunchableTemplate): Promise<void> {
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

/**
 * Launches a template for the caller. Returns the owner's existing instance of the template when there is one
 * (whatever the parameters, as Dploy's `/run/{name}` does), else claims a pool member or creates an on-demand
 * instance. Counted and timed for `/api/metrics`: each outcome, and each refusal by its code.
 */
export async function launchInstance(identity: Identity | null, input: LaunchInput, options: LaunchOptions = {}): Promise<LaunchResult> {
  const started = performance.now();
  const instruments = metrics();
  try {
    const result = await launch(identity, input, options);
    instruments.launches.inc({ outcome: result.outcome });
    instruments.launchSeconds.observe({ outcome: result.outcome }, (performance.now() - started) / 1000);
    return result;
  } catch (error) {
    const mapped = toAppError(error);
    instruments.launchRefusals.inc({ code: mapped instanceof AppError ? mapped.code : "INTERNAL" });
    throw error;
  }
}

async function launch(identity: Identity | null, input: LaunchInput, options: LaunchOptions): Promise<LaunchResult> {
  assertCan(identity, "instance:launch");
  const actor = options.actor ?? identity;
  const availability = getLaunchAvailability(identity);
  if (!availability.available) throw new AppError("UNAVAILABLE", availability.reason!);
  const template = requireLaunchable(await loadTemplate({ name: input.template }), identity, { launching: true });
  await assertMayUseClassTemplate(template, identity);
  const ownerKey = ownerKeyForTemplate(identity, template);
  // Checked now, reported only if the launch gets as far as needing them: an existing instance is returned
  // whatever the parameters.
  let params: Record<string, unknown> | AppError;
  try {
    params = launchParameters(template.composed.parameters, input.params ?? {}, { asText: input.paramsAreText });
  } catch (error) {
    const mapped = toAppError(error);
    if (!(mapped instanceof AppError)) throw mapped;
    params = mapped;
  }
  const limit = template.maxInstancesPerUser ?? template.settings.defaultQuota;
  const now = new Date();
  const expiresAt = expiryFrom(now, template.ttlSeconds);

  // The common outcomes (existing instance, claim, quota) take one statement, without a transaction of our own.
  const decide = async (sql: Sql): Promise<{ outcome: LaunchOutcome; record: InstanceRecord } | null> => {
    const state: OwnerState = await claimForOwner(sql, { template, ownerKey, limit, expiresAt, identity, actor, now });
    if (state.existing) {
      const { rows } = await sql.query<InstanceRecord>(`SELECT ${RECORD_SELECT} FROM instances WHERE uuid = $1`, [state.existing]);
      return { outcome: "existing", record: rows[0]! };
    }
    if (params instanceof AppError) throw params;
    if (limit > 0 && state.live >= limit) throw new AppError("QUOTA_EXCEEDED", quotaMessage(ownerKey, identity, limit));
    if (state.claimed) return { outcome: "claimed", record: state.claimed };
    if (template.method === "pool" && template.poolFallback === "refuse") {
      throw new AppError("POOL_EXHAUSTED", `No warm "${template.displayName}" environment is free right now. Please try again in a minute.`);
    }
    return null;
  };
  const { outcome, record } =
    (await decide(sqlPool())) ??
    // On-demand: decided again inside the transaction that inserts, under the owner's lock until commit.
    (await withSqlTransaction(async (sql) => {
      const again = await decide(sql);
      if (again) return again;
      if (params instanceof AppError) throw params; // decide() has thrown it already; this narrows the type
      await assertCapacity(sql, template);
      const values = params;
      const created = await insertInstance(
        sql,
        async (uuid) => {
          const rendered = await renderFor(template, { owner: { user: identity, ownerKey }, params: values, uuid, exposedClaims: template.settings.exposedClaims }).catch(
            (error: unknown) => Promise.reject(toAppError(error)),
          );
          return {
            templateId: template.id,
            versionId: template.latest.id,
            ownerKey,
            pooled: false,
            params: values,
            ...rendered,
            engine: template.engine,
            expiresAt,
            createdById: identity.source === "system" ? null : identity.userId,
            message: "Queued: waiting for the worker",
            now,
          };
        },
        { notify: true },
      );
      await recordAuditSql(sql, {
        actor,
        action: "instance.launch",
        objectType: "instance",
        objectId: created.uuid,
        after: { template: template.name, owner: ownerKey, outcome: "created", params: values },
      });
      return { outcome: "created" as const, record: created };
    }));
  const environment = toEnvironmentView({ ...record, template, templateVersion: { version: template.latest.version } }, identity);
  return { outcome, environment };
}
