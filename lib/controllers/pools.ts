import "server-only";
import { db, withSqlTransaction } from "@/lib/db/client";
import { LOCKS } from "@/lib/db/coordination";
import { countTemplateInstances, insertInstance } from "@/lib/db/instances";
import { loadTemplate, type LoadedTemplate } from "@/lib/db/templates";
import { isAppError } from "@/lib/domain/errors";
import { nextPhase, type Phase } from "@/lib/domain/phase";
import { keepsPool, planPool } from "@/lib/domain/pool-plan";
import { renderFor } from "@/lib/templates/compose";
import type { ControllerContext } from "./context";

/**
 * The pool controller (docs/architecture.md, "Reconcile"). For one pool template it keeps `size` unclaimed members
 * (Pending, Provisioning or Available; a failed one is replaced) and never lets the template's live instances, claimed and
 * on-demand ones included, exceed `maxSize`. It removes unclaimed members when the size is lowered, the
 * template is disabled, deleted or no longer a pool; claimed members are never touched. Creating members
 * takes the template's capacity lock, as on-demand launches of the template do, so maxSize holds under any
 * interleaving. Claims do not take that lock: `SKIP LOCKED` and the owner_key test keep the two apart.
 *
 * Without a cluster (no engine) it changes nothing: a new member could never run, and a removed one could
 * never be torn down, so members a portal warmed before it lost its cluster stay as they are until it is back.
 *
 * What to create and remove is decided by `planPool` (lib/domain/pool-plan.ts), which the impact preview of
 * a settings change uses too.
 */

export interface PoolPass {
  created: string[];
  removed: string[];
  /** True when more members are due than this pass's budget allowed. */
  more: boolean;
  /** True when nothing was done because there is no cluster to run members on. */
  noCluster?: boolean;
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

/**
 * One pass over one pool: creates at most `budget` members, removes any excess. Safe to run at any time and
 * any number of times; returns what it did.
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

  return withSqlTransaction(async (sql) => {
    await sql.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [LOCKS.templateCapacity, templateId]);
    const pass: PoolPass = { created: [], removed: [], more: false };
    // A member that failed to start stays failed (lib/domain/phase.ts) and serves nobody: it is torn down,
    // and the count below no longer includes it, so a new member takes its place.
    const { rows: failed } = await sql.query<{ uuid: string }>(
      `UPDATE instances SET phase = $2::"InstancePhase", message = left('Replaced after failing to start: ' || coalesce(message, ''), 4000), updated_at = now()
       WHERE template_id = $1::uuid AND ${UNCLAIMED} AND phase = 'Failed'
       RETURNING uuid`,
      [templateId, nextPhase("Failed", "Expiring")],
    );
    pass.removed.push(...failed.map((member) => member.uuid));
    const counts = await countTemplateInstances(sql, templateId);
    const plan = planPool({ size: want, maxSize: active ? template!.poolMaxSize : 0 }, counts);

    if (plan.remove > 0) {
      // Members not yet ready go first, newest first: the warm ones are what users are waiting for.
      const { rows: excess } = await sql.query<{ id: string; uuid: string; phase: Phase }>(
        `SELECT id, uuid, phase::text AS phase FROM instances
         WHERE template_id = $1::uuid AND ${UNCLAIMED}
         ORDER BY (phase = 'Available'), created_at DESC
         LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [templateId, plan.remove],
      );
      const message = active ? "Removed: the pool was made smaller" : "Removed: the template no longer keeps a pool";
      for (const member of excess) {
        const { rowCount } = await sql.query(
          `UPDATE instances SET phase = $2::"InstancePhase", message = $3, updated_at = now()
           WHERE id = $1 AND owner_key IS NULL AND deleted_at IS NULL`,
          [member.id, nextPhase(member.phase, "Expiring"), message],
        );
        if (rowCount === 1) pass.removed.push(member.uuid);
      }
      return pass;
    }

    if (!active || !template!.composed) return pass;
    const launchable = template as LoadedTemplate & { composed: NonNullable<LoadedTemplate["composed"]> };
    if (plan.create <= 0) return pass;
    const count = Math.min(plan.create, budget);
    pass.more = plan.create > count;
    for (let i = 0; i < count; i++) {
      const member = await insertInstance(
        sql,
        async (uuid) => ({
          templateId,
          versionId: launchable.latest.id,
          ownerKey: null,
          pooled: true,
          params: {},
          ...(await renderFor(launchable, { owner: null, params: {}, uuid, exposedClaims: ctx.exposedClaims })),
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
