import "server-only";
import { db, withSqlTransaction } from "@/lib/db/client";
import { LOCKS } from "@/lib/db/coordination";
import { countTemplateInstances, insertInstance } from "@/lib/db/instances";
import { endPoolMembers } from "@/lib/db/pools";
import { loadTemplate, type LoadedTemplate } from "@/lib/db/templates";
import { isAppError } from "@/lib/domain/errors";
import { nextPhase, type Phase } from "@/lib/domain/phase";
import { keepsPool, planPool } from "@/lib/domain/pool-plan";
import { MEMBER_ENDED } from "@/lib/domain/pool-state";
import { countClassClaims, listLiveWarmUps, recentReadyDurations, timingOfRow } from "@/lib/db/warm-ups";
import { currentOccurrence, leadTimeMs, warmUpDemand, type WarmUpDemand } from "@/lib/domain/warm-ups";
import { renderFor } from "@/lib/templates/compose";
import type { ControllerContext } from "./context";

/**
 * The pool controller (docs/architecture.md, "Reconcile"). For one pool template it keeps `size` unclaimed members
 * (Pending, Provisioning or Available; a failed one is replaced) of the template's latest version and never
 * lets the template's live instances, claimed and on-demand ones included, exceed `maxSize`. It removes
 * unclaimed members when the size is lowered, the template is disabled, deleted or no longer a pool, and rolls
 * members of older versions forward when the spec changes; claimed members are never touched. Creating
 * members takes the template's capacity lock, as on-demand launches of the template do, so maxSize holds
 * under any interleaving. Claims do not take that lock: `SKIP LOCKED` and the owner_key test keep the two apart.
 *
 * A member stuck at a launch step past its limit is failed by the instance reconciler, which judges it on
 * what it has just observed in the cluster (lib/domain/launch-deadline.ts); it wakes this controller, which
 * replaces the failed member like any other.
 *
 * Without a cluster (no engine) it changes nothing: a new member could never run, and a removed one could
 * never be torn down, so members a portal warmed before it lost its cluster stay as they are until it is back.
 *
 * What to create and remove is decided by `planPool` (lib/domain/pool-plan.ts), which the impact preview of
 * a settings change uses too. The size it keeps is the template's base size plus every warm-up due now
 * (lib/domain/warm-ups.ts: from its start less the lead time learned from the pool to its end, less what its
 * class claimed meanwhile); the pass says when that changes next, so the worker looks again then, with no
 * other event. After a warm-up's end the excess goes like any other: unclaimed members only.
 */

export interface PoolPass {
  created: string[];
  removed: string[];
  /** True when more members are due than this pass's budget allowed. */
  more: boolean;
  /** True when nothing was done because there is no cluster to run members on. */
  noCluster?: boolean;
  /** When a warm-up next enters its lead time or ends: the pool's size changes then, with no other event. */
  nextChangeAt?: Date | null;
  /** Members the warm-ups due now add to the base size. */
  warmUpExtra?: number;
}

/**
 * What the warm-ups of a template add to its pool now: their occurrences due within the lead time learned from
 * the pool's recent members, less what each class claimed since its occurrence began warming.
 */
export async function readWarmUpDemand(sql: Sql, templateId: string, now: Date): Promise<WarmUpDemand> {
  const bookings = await listLiveWarmUps(sql, templateId, now);
  if (bookings.length === 0) return { extra: 0, due: [], nextChangeAt: null };
  const leadMs = leadTimeMs(await recentReadyDurations(sql, templateId));
  const booked = [];
  for (const row of bookings) {
    const timing = timingOfRow(row);
    const occ = currentOccurrence(timing, now);
    const warmsAt = occ ? new Date(occ.startsAt.getTime() - leadMs) : null;
    const claimed = occ && warmsAt!.getTime() <= now.getTime() ? await countClassClaims(sql, templateId, row.classId, warmsAt!, occ.endsAt) : 0;
    booked.push({ id: row.id, size: row.size, timing, claimed });
  }
  return warmUpDemand(booked, now, leadMs);
}

const UNCLAIMED = `owner_key IS NULL AND pooled AND deleted_at IS NULL AND phase <> 'Expiring'`;

/** Templates the pool controller should look at: every pool template, and any template with unclaimed members. */
export async function findPoolTemplates(): Promise<string[]> {
  const rows = await db().$queryRawUnsafe<{ id: string }[]>(
    `SELECT id::text FROM templates WHERE method = 'pool' AND deleted_at IS NULL
     UNION SELECT DISTINCT template_id::text FROM instances WHERE ${UNCLAIMED}`,
  );
  return rows.map((r) => r.id);
}

type Sql = Parameters<Parameters<typeof withSqlTransaction>[0]>[0];

/** Which unclaimed members a removal takes, and in what order. */
interface Removal {
  outdated: boolean;
  ready: boolean;
  count: number;
  message: string;
}

/**
 * Ends up to `count` unclaimed members of one kind (Expiring: the instance reconciler tears them down).
 * Members a claim holds right now are skipped; the next pass sees what is left. Excess members of the latest
 * version go newest first, older versions oldest first.
 */
async function endMembers(sql: Sql, templateId: string, latestVersion: number, removal: Removal): Promise<string[]> {
  if (removal.count <= 0) return [];
  const { rows } = await sql.query<{ id: string; uuid: string; phase: Phase }>(
    `SELECT i.id, i.uuid, i.phase::text AS phase FROM instances i JOIN template_versions v ON v.id = i.template_version_id
     WHERE i.template_id = $1::uuid AND i.owner_key IS NULL AND i.pooled AND i.deleted_at IS NULL
       AND i.phase NOT IN ('Expiring', 'Failed') AND (i.phase = 'Available') = $3 AND (v.version < $4) = $5
     ORDER BY ${removal.outdated ? "v.version, i.created_at" : "i.created_at DESC"}
     LIMIT $2 FOR UPDATE OF i SKIP LOCKED`,
    [templateId, removal.count, removal.ready, latestVersion, removal.outdated],
  );
  // The worker queues what it ends itself.
  return endPoolMembers(sql, templateId, rows, removal.message, { notify: false });
}

/**
 * One pass over one pool: replaces failed members, ends an excess and members of older versions as the plan
 * says, and creates at most `budget` members. Safe to run at any time and any number of times; returns what
 * it did.
 */
export async function reconcilePool(ctx: ControllerContext, templateId: string, budget: number): Promise<PoolPass> {
  if (!ctx.engine) return { created: [], removed: [], more: false, noCluster: true };
  // Loaded before the transaction: a query on another connection while holding the capacity lock could wait
  // for a connection held by a launch that waits for that lock.
  let template: LoadedTemplate | null = null;
  try {
    template = await loadTemplate({ id: templateId });
  } catch (error) {
    if (!isAppError(error) || error.code !== "NOT_FOUND") throw error;
  }
  const active = template !== null && keepsPool(template);
  const want = active ? template!.poolSize : 0;
  if (active && want > 0 && template!.error) ctx.log(`pool ${template!.name}: cannot create members: ${template!.error.message}`);
  // Members of older versions are replaced only by members that can be made: until the spec renders, they stay.
  const launchable = active && template!.composed ? (template as LoadedTemplate & { composed: NonNullable<LoadedTemplate["composed"]> }) : null;
  const latestVersion = launchable ? launchable.latest.version : 0;

  return withSqlTransaction(async (sql) => {
    await sql.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [LOCKS.templateCapacity, templateId]);
    let demand: WarmUpDemand = active ? await readWarmUpDemand(sql, templateId, ctx.now()) : { extra: 0, due: [], nextChangeAt: null };
    const pass: PoolPass = { created: [], removed: [], more: false };
    // A member that failed to start stays failed (lib/domain/phase.ts) and serves nobody: it is torn down,
    // and the count below no longer includes it, so a new member takes its place.
    const { rows: failed } = await sql.query<{ uuid: string }>(
      `UPDATE instances SET phase = $2::"InstancePhase", message = left($3 || coalesce(message, ''), 4000), updated_at = now()
       WHERE template_id = $1::uuid AND ${UNCLAIMED} AND phase = 'Failed'
       RETURNING uuid`,
      [templateId, nextPhase("Failed", "Expiring"), MEMBER_ENDED.failed],
    );
    pass.removed.push(...failed.map((member) => member.uuid));
    let counts = await countTemplateInstances(sql, templateId, latestVersion || null);
    // Each statement sees the database as it is when it starts: a class's claim committed between reading the
    // warm-up demand and counting the members would be missing from the pool but not yet subtracted from the
    // demand, and the pass would warm a member too many at the bell. Read the demand again until it agrees.
    for (let tries = 0; active && demand.due.length > 0 && tries < 5; tries++) {
      const again = await readWarmUpDemand(sql, templateId, ctx.now());
      if (again.extra === demand.extra) break;
      demand = again;
      counts = await countTemplateInstances(sql, templateId, latestVersion || null);
    }
    const desired = { size: want + demand.extra, maxSize: active ? template!.poolMaxSize : 0 };
    pass.nextChangeAt = demand.nextChangeAt;
    pass.warmUpExtra = demand.extra;
    const plan = planPool(desired, counts, budget);

    const excess = active ? MEMBER_ENDED.smaller : MEMBER_ENDED.noPool;
    const replaced = MEMBER_ENDED.replaced(latestVersion);
    for (const removal of [
      { outdated: true, ready: false, count: plan.removeOutdated.starting, message: replaced },
      { outdated: true, ready: true, count: plan.removeOutdated.ready, message: replaced },
      { outdated: false, ready: false, count: plan.removeCurrent.starting, message: excess },
      { outdated: false, ready: true, count: plan.removeCurrent.ready, message: excess },
    ]) {
      pass.removed.push(...(await endMembers(sql, templateId, latestVersion, removal)));
    }

    if (!launchable || plan.create <= 0) return pass;
    let create = plan.create;
    if (pass.removed.length - failed.length < plan.remove) {
      // A member claimed meanwhile was not ended and still counts against maxSize: plan creation again.
      create = Math.min(create, planPool(desired, await countTemplateInstances(sql, templateId, latestVersion), budget).create);
    }
    pass.more = plan.more;
    for (let i = 0; i < create; i++) {
      const member = await insertInstance(
        sql,
        async (uuid) => ({
          templateId,
          versionId: launchable.latest.id,
          ownerKey: null,
          pooled: true,
          params: {},
          ...(await renderFor(launchable, { owner: null, params: {}, uuid, exposedClaims: launchable.settings.exposedClaims })),
          engine: launchable.engine,
          expiresAt: null,
          createdById: null,
          message: "Warming up for the pool",
          now: ctx.now(),
        }),
        // The worker queues the new members itself.
        { notify: false },
      );
      pass.created.push(member.uuid);
    }
    return pass;
  });
}
