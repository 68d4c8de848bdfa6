import "server-only";
import { recordAudit } from "@/lib/db/audit";
import type { Prisma } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import type { InstancePhase } from "@/lib/db/generated/enums";
import type { Identity } from "@/lib/domain/identity";
import { nextPhase, type Phase } from "@/lib/domain/phase";

/**
 * Ends ("releases") one instance inside the caller's transaction: it becomes Expiring, the worker is woken to
 * tear it down (HelmRelease, then namespace) and its pool to refill, and the release is audited. The one way
 * an instance is ended on someone's behalf, whether its owner deletes it or an admin deletes its template;
 * the caller has locked the row and decided that `identity` may end it.
 */
export async function endInstance(
  tx: Prisma.TransactionClient,
  identity: Identity,
  row: { id: string; uuid: string; phase: Phase; ownerKey: string | null; templateId: string },
  options: { message: string; reason?: string },
): Promise<void> {
  const phase = nextPhase(row.phase, "Expiring") as InstancePhase;
  await tx.instance.update({ where: { id: row.id }, data: { phase, message: options.message } });
  await recordAudit(tx, {
    actor: identity,
    action: "instance.release",
    objectType: "instance",
    objectId: row.uuid,
    before: { phase: row.phase, owner: row.ownerKey },
    after: { phase, returnedToPool: false, ...(options.reason && { reason: options.reason }) },
  });
  await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${row.uuid}), pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + row.templateId})`;
}
