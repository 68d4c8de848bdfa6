import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { decideExtend } from "@/lib/domain/ttl";
import { loadView, lockOwnedInstance, type EnvironmentView, type InstanceRef } from "./environments";

/**
 * Extends one of the caller's instances by the template's `extendSeconds` (M6), at most `maxExtends` times.
 * The row is locked while deciding, so two extensions at once cannot both take the last one.
 */
export async function extendInstance(identity: Identity | null, ref: InstanceRef): Promise<EnvironmentView> {
  assertCan(identity, "instance:launch");
  const uuid = await db().$transaction(async (tx) => {
    const row = await lockOwnedInstance(identity, ref, tx);
    if (row.phase === "Expiring") throw new AppError("CONFLICT", "This environment is already being deleted.");
    const policy = { ttlSeconds: row.template.ttlSeconds, extendSeconds: row.template.ttlExtendSeconds, maxExtends: row.template.ttlMaxExtends };
    const decision = decideExtend(policy, row, new Date());
    // Unlimited is a request that makes no sense (400); the other refusals are about the instance's state (409).
    if (!decision.ok) throw new AppError(decision.reason === "unlimited" ? "INVALID_INPUT" : "CONFLICT", decision.message);
    await tx.instance.update({ where: { id: row.id }, data: { expiresAt: decision.expiresAt, extendCount: decision.extendCount } });
    return row.uuid;
  });
  return loadView(uuid, identity);
}
