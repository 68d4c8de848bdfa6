import "server-only";
import { db } from "@/lib/db/client";
import { listTemplateInstances, listTemplatesExtending, loadTemplate } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

/** What deleting a template would touch, for the confirmation the admin reads first. */
export interface DeleteImpact {
  name: string;
  displayName: string;
  /** Environments someone uses (claimed pool members included), failed ones too. */
  live: number;
  /** Of those, how many have no time limit: left to run, they never end on their own. */
  unlimited: number;
  /** When the last of the others ends; null when none will. */
  lastExpiry: Date | null;
  /** Warm pool members nobody claimed: removed whatever the admin chooses. */
  unclaimed: number;
  /** Live templates that extend this one: deleting it would break them, so it is refused while there are any. */
  extendedBy: string[];
  /** When this was read: what "in 2 hours" is counted from. */
  readAt: Date;
}

export async function getTemplateDeleteImpact(identity: Identity | null, input: { name: unknown }): Promise<DeleteImpact> {
  assertCan(identity, "template:edit");
  const template = await loadTemplate({ name: input?.name as string });
  // Read-only, but in one transaction so the counts agree with each other.
  const [instances, extendedBy] = await db().$transaction(async (tx) => [
    await listTemplateInstances(tx, template.id, { lock: false }),
    await listTemplatesExtending(tx, template.name),
  ]);
  const owned = instances.filter((i) => i.ownerKey !== null);
  const expiries = owned.map((i) => i.expiresAt).filter((at): at is Date => at !== null);
  return {
    name: template.name,
    displayName: template.displayName,
    live: owned.length,
    unlimited: owned.length - expiries.length,
    lastExpiry: expiries.length > 0 ? new Date(Math.max(...expiries.map((at) => at.getTime()))) : null,
    unclaimed: instances.length - owned.length,
    extendedBy,
    readAt: new Date(),
  };
}
