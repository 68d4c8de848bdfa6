import "server-only";
import { db } from "@/lib/db/client";
import type { ControllerContext } from "./context";

/**
 * Garbage collection: namespaces labelled as this installation's whose instance row is gone or marked
 * deleted are torn down, but only after a grace period, so an instance applied moments before its row
 * committed (or a row restored from a backup) is never destroyed by a race. Returns what it removed.
 */
export async function collectGarbage(ctx: ControllerContext, graceMs: number): Promise<string[]> {
  if (!ctx.engine) return [];
  const managed = await ctx.engine.listManaged();
  if (managed.length === 0) return [];
  const live = await db().instance.findMany({
    where: { uuid: { in: managed.map((m) => m.uuid) }, deletedAt: null },
    select: { uuid: true },
  });
  const liveUuids = new Set(live.map((r) => r.uuid));
  const cutoff = ctx.now().getTime() - graceMs;
  const removed: string[] = [];
  for (const object of managed) {
    if (liveUuids.has(object.uuid) || object.createdAt.getTime() > cutoff) continue;
    const result = await ctx.engine.teardown({ template: object.template, uuid: object.uuid, namespace: object.namespace });
    if (!object.deleting) ctx.log(`garbage collection: removing ${object.namespace} (no live instance ${object.uuid})`);
    if (result === "gone") removed.push(object.namespace);
  }
  return removed;
}
