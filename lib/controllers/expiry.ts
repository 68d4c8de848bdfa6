import "server-only";
import { db } from "@/lib/db/client";
import { LIVE_PHASES } from "@/lib/domain/phase";
import type { InstancePhase } from "@/lib/db/generated/enums";
import type { ControllerContext } from "./context";

/**
 * The expiry scan: instances whose TTL has run out, and instances already being torn down. The instance
 * reconciler does the work (Expiring → delete HelmRelease → wait → delete Namespace → deletedAt), so a
 * teardown interrupted by a restart simply continues. Returns the uuids to reconcile.
 */
export async function findExpiryWork(ctx: ControllerContext, limit = 500): Promise<string[]> {
  const rows = await db().instance.findMany({
    where: {
      deletedAt: null,
      OR: [{ phase: "Expiring" }, { phase: { in: LIVE_PHASES as InstancePhase[] }, expiresAt: { lte: ctx.now() } }],
    },
    select: { uuid: true },
    orderBy: { expiresAt: "asc" },
    take: limit,
  });
  return rows.map((r) => r.uuid);
}

/**
 * Every instance the worker should look at on a resync: all rows not yet deleted, with whether each is an
 * unclaimed pool member (those go to the pool's own queue).
 */
export async function findLiveInstances(): Promise<{ uuid: string; unclaimedMember: boolean }[]> {
  const rows = await db().instance.findMany({ where: { deletedAt: null }, select: { uuid: true, pooled: true, ownerKey: true } });
  return rows.map((r) => ({ uuid: r.uuid, unclaimedMember: r.pooled && r.ownerKey === null }));
}
