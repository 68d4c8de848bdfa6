import "server-only";
import { db } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import type { InstancePhase } from "@/lib/db/generated/enums";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { nextPhase, type Phase } from "@/lib/domain/phase";
import { loadView, lockOwnedInstance, type EnvironmentView, type InstanceRef } from "./environments";

/**
 * Deletes (releases) one of the caller's instances. The worker tears it down; a pool member whose template
 * has `recycle` off goes back to the pool as it is instead (only sensible for environments that keep nothing
 * of their user's). Deleting an instance already being deleted is fine and changes nothing.
 */
export async function releaseInstance(identity: Identity | null, ref: InstanceRef): Promise<EnvironmentView> {
  assertCan(identity, "instance:launch");
  const uuid = await db().$transaction(async (tx) => {
    const row = await lockOwnedInstance(identity, ref, tx);
    if (row.phase === "Expiring") return row.uuid;
    const returnToPool = row.pooled && !row.template.poolRecycle && row.phase === "Claimed";
    const phase = nextPhase(row.phase as Phase, returnToPool ? "Available" : "Expiring") as InstancePhase;
    await tx.instance.update({
      where: { id: row.id },
      data: returnToPool
        ? { phase, ownerKey: null, claimedAt: null, expiresAt: null, extendCount: 0, createdById: null, message: "Returned to the warm pool" }
        : { phase, message: `Deleted by ${identity.username}` },
    });
    await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${row.uuid}), pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + row.templateId})`;
    return row.uuid;
  });
  return loadView(uuid, identity);
}
