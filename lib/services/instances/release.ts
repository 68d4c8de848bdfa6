import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { findInstance } from "@/lib/db/instances";
import type { InstancePhase } from "@/lib/db/generated/enums";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { nextPhase } from "@/lib/domain/phase";
import { endedByOf, endInstance } from "./internal/end-instance";
import { findOwnedInstance, lockOwnedInstance, type InstanceRef } from "./internal/owned";
import { toEnvironmentView, type EnvironmentView } from "./view";

/**
 * Ends ("releases") one of the caller's instances: the worker tears it down. A pool member whose template has
 * `recycle` off goes back to the pool as it is instead (only sensible for environments that keep nothing of
 * their user's). An instance already being torn down is gone for its owner: NOT_FOUND, like every lookup.
 */
export async function releaseInstance(identity: Identity | null, ref: InstanceRef): Promise<EnvironmentView> {
  assertCan(identity, "instance:launch");
  const found = await findOwnedInstance(identity, ref);
  await db().$transaction(async (tx) => {
    const row = await lockOwnedInstance(identity, found, tx);
    const returnToPool = row.pooled && !row.template.poolRecycle && row.phase === "Claimed";
    if (!returnToPool) {
      await endInstance(tx, identity, row, { message: `Deleted by ${identity.username}` });
      return;
    }
    const phase = nextPhase(row.phase, "Available") as InstancePhase;
    await tx.instance.update({
      where: { id: row.id },
      data: { phase, ownerKey: null, claimedAt: null, expiresAt: null, extendCount: 0, createdById: null, message: "Returned to the warm pool" },
    });
    await recordAudit(tx, {
      actor: identity,
      action: "instance.release",
      objectType: "instance",
      objectId: row.uuid,
      before: { phase: row.phase, owner: row.ownerKey },
      after: { phase, returnedToPool: true, endedBy: endedByOf(identity, row.ownerKey) },
    });
    await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${row.uuid}), pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + row.templateId})`;
  });
  return toEnvironmentView((await findInstance(found.uuid))!, identity);
}
