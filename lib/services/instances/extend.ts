import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { findInstance } from "@/lib/db/instances";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { decideExtend } from "@/lib/domain/ttl";
import { findOwnedInstance, lockOwnedInstance, type InstanceRef } from "./internal/owned";
import { toEnvironmentView, type EnvironmentView } from "./view";

/**
 * Extends one of the caller's instances by the template's `extendSeconds`, at most `maxExtends` times. The
 * row is locked while deciding, so two extensions at once cannot both take the last one.
 */
export async function extendInstance(identity: Identity | null, ref: InstanceRef): Promise<EnvironmentView> {
  assertCan(identity, "instance:launch");
  const found = await findOwnedInstance(identity, ref);
  await db().$transaction(async (tx) => {
    const row = await lockOwnedInstance(identity, found, tx);
    const policy = { ttlSeconds: row.template.ttlSeconds, extendSeconds: row.template.ttlExtendSeconds, maxExtends: row.template.ttlMaxExtends };
    const decision = decideExtend(policy, row, new Date());
    // Unlimited is a request that makes no sense (400); the other refusals are about the instance's state (409).
    if (!decision.ok) throw new AppError(decision.reason === "unlimited" ? "INVALID_INPUT" : "CONFLICT", decision.message);
    await tx.instance.update({ where: { id: row.id }, data: { expiresAt: decision.expiresAt, extendCount: decision.extendCount } });
    await recordAudit(tx, {
      actor: identity,
      action: "instance.extend",
      objectType: "instance",
      objectId: row.uuid,
      before: { expiresAt: row.expiresAt, extendCount: row.extendCount },
      after: { expiresAt: decision.expiresAt, extendCount: decision.extendCount },
    });
  });
  return toEnvironmentView((await findInstance(found.uuid))!, identity);
}
