import "server-only";
import { getConfig } from "@/lib/config";
import { db, type Prisma } from "@/lib/db/client";
import { BUSY_TRANSACTION, LOCKS, POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { OwnerKeyError, ownerKeyFor } from "@/lib/domain/owner-key";
import { assertCan } from "@/lib/domain/permissions";
import { nextPhase } from "@/lib/domain/phase";
import { expiryFrom } from "@/lib/domain/ttl";
import { TemplateError } from "@/lib/templates/errors";
import { validateParameters } from "@/lib/templates/parameters";
import { loadView, type EnvironmentView } from "./environments";
import { getLaunchAvailability } from "./launch-availability";
import { loadLaunchTemplate, prepareInstance, type LaunchTemplate } from "./launch-spec";
import { getLaunchSettings, type LaunchSettings } from "./settings";
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

/** Live phases that count against a quota and that "return the existing instance" looks for. */
const COUNTED = ["Pending", "Provisioning", "Ready", "Claimed", "Failed"] as const;

type Tx = Prisma.TransactionClient;

/** The owner's live instance of this template, and how many live instances the owner key holds in total. */
async function ownerState(tx: Tx, templateId: string, ownerKey: string): Promise<{ existing: string | null; live: number }> {
  const [row] = await tx.$queryRaw<{ existing: string | null; live: number }[]>`
    SELECT
      (SELECT uuid FROM instances
        WHERE template_id = ${templateId}::uuid AND owner_key = ${ownerKey} AND deleted_at IS NULL
          AND phase::text = ANY(${COUNTED as unknown as string[]})
        ORDER BY created_at LIMIT 1) AS existing,
      (SELECT count(*)::int FROM instances
        WHERE owner_key = ${ownerKey} AND deleted_at IS NULL AND phase::text = ANY(${COUNTED as unknown as string[]})) AS live`;
  return row!;
}

/** Claims one Available member of a pool for the owner, or returns null when none is free right now. */
async function claimPoolMember(tx: Tx, template: LaunchTemplate, ownerKey: string, identity: Identity, now: Date): Promise<string | null> {
  const claimed = nextPhase("Available", "Claimed");
  const expiresAt = expiryFrom(now, template.ttlSeconds);
  const rows = await tx.$queryRaw<{ uuid: string }[]>`
    WITH member AS (
      SELECT id FROM instances
      WHERE template_id = ${template.id}::uuid AND phase = 'Available' AND owner_key IS NULL AND deleted_at IS NULL
      ORDER BY created_at
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    ), bound AS (
      UPDATE instances i
      SET owner_key = ${ownerKey}, phase = ${claimed}::"InstancePhase", claimed_at = ${now}, expires_at = ${expiresAt},
          created_by_id = ${identity.userId}::uuid, message = 'Claimed from the warm pool', updated_at = ${now}
      FROM member WHERE i.id = member.id
      RETURNING i.uuid
    )
    SELECT uuid, pg_notify(${WAKE_CHANNEL}, uuid)::text, pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + template.id})::text FROM bound`;
  return rows[0]?.uuid ?? null;
}

/** Refuses an on-demand instance of a pool template once the template has maxSize live instances. */
async function assertCapacity(tx: Tx, template: LaunchTemplate): Promise<void> {
  if (template.method !== "pool" || template.poolMaxSize <= 0) return;
  // Serialises creations for this template only (claims do not take it), so the count below stays true.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.templateCapacity}::int, hashtext(${template.id}))`;
  const [row] = await tx.$queryRaw<{ total: number }[]>`
    SELECT count(*)::int AS total FROM instances
    WHERE template_id = ${template.id}::uuid AND deleted_at IS NULL AND phase <> 'Expiring'`;
  if (row!.total >= template.poolMaxSize) {
    throw new AppError(
      "POOL_EXHAUSTED",
      `Every "${template.displayName}" environment is in use (the limit is ${template.poolMaxSize}). Please try again in a few minutes.`,
    );
  }
}

/** Inserts a Pending on-demand instance; retries the (unlikely) uuid collision with a fresh uuid. */
async function insertOnDemand(
  tx: Tx,
  template: LaunchTemplate,
  ownerKey: string,
  identity: Identity,
  params: Record<string, unknown>,
  settings: LaunchSettings,
  now: Date,
): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const prepared = await prepareInstance({ template, ownerKey, pooled: false, params, identity, exposedClaims: getConfig().exposedClaims, settings });
    const rows = await tx.$queryRaw<{ uuid: string }[]>`
      WITH created AS (
        INSERT INTO instances (uuid, template_id, template_version_id, owner_key, params, values, value_files, phase, message,
                               namespace, url, engine, pooled, expires_at, created_by_id, created_at, updated_at)
        VALUES (${prepared.uuid}, ${template.id}::uuid, ${template.versionId}::uuid, ${ownerKey}, ${JSON.stringify(params)}::jsonb,
                ${JSON.stringify(prepared.values)}::jsonb, ${prepared.valueFiles}::text[], 'Pending', 'Queued: waiting for the worker',
                ${prepared.namespace}, ${prepared.url}, ${template.engine}, false, ${expiryFrom(now, template.ttlSeconds)},
                ${identity.userId}::uuid, ${now}, ${now})
        ON CONFLICT (uuid) DO NOTHING
        RETURNING uuid
      )
      SELECT uuid, pg_notify(${WAKE_CHANNEL}, uuid)::text FROM created`;
    if (rows[0]) return rows[0].uuid;
  }
  throw new Error("could not find a free instance uuid in 5 attempts");
}

function quotaMessage(ownerKey: string, identity: Identity, limit: number): string {
  const whose = ownerKey === identity.username ? "You have" : `The group "${ownerKey}" has`;
  return `${whose} reached the limit of ${limit} running environment${limit === 1 ? "" : "s"}. Delete one to launch another.`;
}

/**
 * Launches `name` for the caller with `params` (already typed; see coerceParameterStrings for text input).
 * Returns the owner's existing instance of the template when there is one, else claims a pool member or
 * creates an on-demand instance.
 */
export async function launch(identity: Identity | null, name: string, params: unknown = {}): Promise<LaunchResult> {
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
  let values: Record<string, unknown>;
  try {
    values = validateParameters(template.composed.parameters, params);
  } catch (error) {
    if (error instanceof TemplateError) {
      const missing = error.issues.find((issue) => issue.message === "is required");
      if (missing) throw new AppError("INVALID_INPUT", `Missing required parameter "${missing.path.replace(/^params\./, "")}".`, { [missing.path]: ["is required"] });
    }
    return asInvalidInput(error);
  }
  const settings = await getLaunchSettings();
  const limit = template.maxInstancesPerUser ?? settings.defaultQuota;
  const now = new Date();

  const { outcome, uuid } = await db().$transaction(async (tx): Promise<{ outcome: LaunchOutcome; uuid: string }> => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.owner}::int, hashtext(${ownerKey}))`;
    const state = await ownerState(tx, template.id, ownerKey);
    if (state.existing) return { outcome: "existing", uuid: state.existing };
    if (limit > 0 && state.live >= limit) throw new AppError("QUOTA_EXCEEDED", quotaMessage(ownerKey, identity, limit));

    if (template.method === "pool") {
      const claimed = await claimPoolMember(tx, template, ownerKey, identity, now);
      if (claimed) return { outcome: "claimed", uuid: claimed };
      if (template.poolFallback === "refuse") {
        throw new AppError("POOL_EXHAUSTED", `No warm "${template.displayName}" environment is free right now. Please try again in a minute.`);
      }
    }
    await assertCapacity(tx, template);
    return { outcome: "created", uuid: await insertOnDemand(tx, template, ownerKey, identity, values, settings, now) };
  }, BUSY_TRANSACTION);
  return { outcome, environment: await loadView(uuid, identity) };
}
