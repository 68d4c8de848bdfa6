import "server-only";
import { recordAudit } from "@/lib/db/audit";
import type { Prisma } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import type { InstancePhase } from "@/lib/db/generated/enums";
import type { Identity } from "@/lib/domain/identity";
import { ownerKeysOf } from "@/lib/domain/owner-key";
import { nextPhase, type Phase } from "@/lib/domain/phase";

/** Who ended an instance, as the audit trail says: its owner, staff acting on someone else's, or its TTL. */
export type EndedBy = "owner" | "admin" | "teacher" | "expiry";

/** Whether `identity` ended an instance as its owner (one of their owner keys) or on someone else's behalf (as `staff`). */
export function endedByOf(identity: Identity, ownerKey: string | null, staff: "admin" | "teacher" = "admin"): EndedBy {
  return ownerKey !== null && ownerKeysOf(identity).includes(ownerKey) ? "owner" : staff;
}

/**
 * Ends ("releases") one instance inside the caller's transaction: it becomes Expiring, the worker is woken to
 * tear it down (HelmRelease, then namespace) and its pool to refill, and the release is audited with who
 * ended it. The one way an instance is ended on someone's behalf, whether its owner deletes it or an admin
 * deletes its template; the caller has locked the row and decided that `identity` may end it. (The worker
 * ends expired instances itself and audits them as ended by expiry.)
 */
export async function endInstance(
  tx: Prisma.TransactionClient,
  identity: Identity,
  row: { id: string; uuid: string; phase: Phase; ownerKey: string | null; templateId: string },
  options: { message: string; reason?: string; staff?: "admin" | "teacher" },
): Promise<void> {
  const phase = nextPhase(row.phase, "Expiring") as InstancePhase;
  await tx.instance.update({ where: { id: row.id }, data: { phase, message: options.message } });
  await recordAudit(tx, {
    actor: identity,
    action: "instance.release",
    objectType: "instance",
    objectId: row.uuid,
    before: { phase: row.phase, owner: row.ownerKey },
    after: { phase, returnedToPool: false, endedBy: endedByOf(identity, row.ownerKey, options.staff), ...(options.reason && { reason: options.reason }) },
  });
  await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${row.uuid}), pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + row.templateId})`;
}
