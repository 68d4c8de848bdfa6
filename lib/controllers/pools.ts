import "server-only";
import { db } from "@/lib/db/client";
import { BUSY_TRANSACTION, LOCKS } from "@/lib/db/coordination";
import type { InstancePhase } from "@/lib/db/generated/enums";
import { isAppError } from "@/lib/domain/errors";
import { nextPhase, type Phase } from "@/lib/domain/phase";
import { loadLaunchTemplate, prepareInstance, type LaunchTemplate } from "@/lib/services/launch-spec";
import type { ControllerContext } from "./context";

/**
 * The pool controller (DESIGN.md "Reconcile", M10). For one pool template it keeps `size` unclaimed members
 * (Pending, Provisioning, Available or Failed) and never lets the template's live instances, claimed and
 * on-demand ones included, exceed `maxSize`. It removes unclaimed members when the size is lowered, the
 * template is disabled, deleted or no longer a pool; claimed members are never touched. Creating members
 * takes the template's capacity lock, as on-demand launches of the template do, so maxSize holds under any
 * interleaving. Claims do not take that lock: `SKIP LOCKED` and the owner_key test keep the two apart.
 */

export interface PoolPass {
  created: string[];
  removed: string[];
  /** True when more members are due than this pass's budget allowed. */
  more: boolean;
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
  const template = await db().template.findUnique({ where: { id: templateId } });
  const active = template !== null && !template.deletedAt && template.enabled && template.method === "pool" && !template.validationError;
  const want = active ? template.poolSize : 0;
  // Loaded before the transaction: a query on another connection while holding the capacity lock could wait
  // for a connection held by a launch that waits for that lock.
  let launchTemplate: LaunchTemplate | null = null;
  if (active && want > 0) {
    try {
      launchTemplate = await loadLaunchTemplate(template.name);
    } catch (error) {
      if (!isAppError(error)) throw error;
      ctx.log(`pool ${template.name}: cannot create members: ${error.message}`);
    }
  }

  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.templateCapacity}::int, hashtext(${templateId}))`;
    const [counts] = await tx.$queryRaw<{ total: number; unclaimed: number }[]>`
      SELECT count(*)::int AS total, count(*) FILTER (WHERE owner_key IS NULL AND pooled)::int AS unclaimed
      FROM instances WHERE template_id = ${templateId}::uuid AND deleted_at IS NULL AND phase <> 'Expiring'`;
    const pass: PoolPass = { created: [], removed: [], more: false };

    if (counts!.unclaimed > want) {
      // Members not yet ready go first, newest first: the warm ones are what users are waiting for.
      const excess = await tx.$queryRawUnsafe<{ id: string; uuid: string; phase: Phase }[]>(
        `SELECT id, uuid, phase::text AS phase FROM instances
         WHERE template_id = $1::uuid AND ${UNCLAIMED}
         ORDER BY (phase = 'Available'), created_at DESC
         LIMIT $2 FOR UPDATE SKIP LOCKED`,
        templateId,
        counts!.unclaimed - want,
      );
      for (const member of excess) {
        const phase = nextPhase(member.phase, "Expiring") as InstancePhase;
        const { count } = await tx.instance.updateMany({
          where: { id: member.id, ownerKey: null, deletedAt: null },
          data: { phase, message: active ? "Removed: the pool was made smaller" : "Removed: the template no longer keeps a pool" },
        });
        if (count === 1) pass.removed.push(member.uuid);
      }
      return pass;
    }

    const room = template!.poolMaxSize > 0 ? template!.poolMaxSize - counts!.total : Number.POSITIVE_INFINITY;
    const due = Math.min(want - counts!.unclaimed, room);
    if (due <= 0 || !launchTemplate) return pass;
    const count = Math.min(due, budget);
    pass.more = due > count;
    for (let i = 0; i < count; i++) {
      const prepared = await prepareInstance({
        template: launchTemplate,
        ownerKey: null,
        pooled: true,
        params: {},
        identity: null,
        exposedClaims: ctx.exposedClaims,
        settings: ctx.settings,
      });
      const created = await tx.$queryRaw<{ uuid: string }[]>`
        INSERT INTO instances (uuid, template_id, template_version_id, params, values, value_files, phase, message,
                               namespace, url, engine, pooled, created_at, updated_at)
        VALUES (${prepared.uuid}, ${templateId}::uuid, ${launchTemplate.versionId}::uuid, '{}'::jsonb, ${JSON.stringify(prepared.values)}::jsonb,
                ${prepared.valueFiles}::text[], 'Pending', 'Warming up for the pool', ${prepared.namespace}, ${prepared.url},
                ${launchTemplate.engine}, true, ${ctx.now()}, ${ctx.now()})
        ON CONFLICT (uuid) DO NOTHING
        RETURNING uuid`;
      if (created[0]) pass.created.push(created[0].uuid);
    }
    return pass;
  }, BUSY_TRANSACTION);
}
