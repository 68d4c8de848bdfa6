import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { LOCKS, POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { invalidateTemplateCache, listTemplateInstances, listTemplatesExtending, lockTemplateByName, setTemplateDeleted } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { endInstance } from "../instances/internal/end-instance";

/** What happens to a deleted template's environments: left to run until they expire, or ended now. */
export const DELETE_CHOICES = ["keep", "end"] as const;
export type DeleteChoice = (typeof DELETE_CHOICES)[number];

export interface DeleteResult {
  name: string;
  /** Environments ended now (empty when they were left to run). */
  ended: string[];
  /** Environments left to run until they expire. */
  kept: number;
}

/**
 * Deletes a template (softly: it can be restored). It leaves the catalog at once and can no longer be
 * launched; the worker removes its warm pool members nobody claimed. Environments in use are left to run
 * until they expire, or ended now as their owners would end them (the worker tears them down). A template
 * that others extend is refused: they would break.
 */
export async function deleteTemplate(identity: Identity | null, input: { name: unknown; instances: unknown }): Promise<DeleteResult> {
  assertCan(identity, "template:edit");
  const choice = input?.instances as DeleteChoice;
  if (!DELETE_CHOICES.includes(choice)) {
    throw new AppError("INVALID_INPUT", "Choose what happens to its environments: keep them until they expire, or end them now.", {
      instances: ["must be keep or end"],
    });
  }
  const name = typeof input.name === "string" ? input.name : "";
  const result = await db().$transaction(async (tx) => {
    // Under the save lock: no template may start extending this one while it is being deleted.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.templateSave}::int)`;
    const template = name.length <= 63 ? await lockTemplateByName(tx, name, { deleted: false }) : null;
    if (!template) throw new AppError("NOT_FOUND", `There is no template named "${name.slice(0, 80)}".`);
    const extendedBy = await listTemplatesExtending(tx, template.name);
    if (extendedBy.length > 0) {
      throw new AppError("CONFLICT", `${template.displayName} cannot be deleted: ${extendedBy.join(", ")} extend${extendedBy.length === 1 ? "s" : ""} it. Delete those first, or make them extend another template.`);
    }
    const instances = await listTemplateInstances(tx, template.id, { lock: choice === "end" });
    const inUse = instances.filter((i) => i.ownerKey !== null);
    const at = new Date();
    await setTemplateDeleted(tx, template.id, at);
    const ended: string[] = [];
    if (choice === "end") {
      for (const instance of inUse) {
        await endInstance(tx, identity, { ...instance, templateId: template.id }, { message: `Ended: its template was deleted by ${identity.username}`, reason: "template deleted" });
        ended.push(instance.uuid);
      }
    }
    await recordAudit(tx, {
      actor: identity,
      action: "template.delete",
      objectType: "template",
      objectId: template.id,
      before: { name: template.name, deletedAt: null, liveInstances: inUse.length },
      after: { name: template.name, deletedAt: at.toISOString(), instances: choice, ended },
    });
    // The pool controller removes the members nobody claimed.
    await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + template.id})`;
    return { name: template.name, ended, kept: choice === "keep" ? inUse.length : 0 };
  });
  invalidateTemplateCache();
  return result;
}
