import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { db, isUniqueViolation } from "@/lib/db/client";
import { LOCKS, POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { invalidateTemplateCache, lockTemplateByName, setTemplateDeleted } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

function nameTaken(name: string): AppError {
  return new AppError("CONFLICT", `${name} cannot be restored: another template is called "${name}" now. Rename or delete that one first.`, {
    name: ["is taken by another template"],
  });
}

/**
 * Brings a deleted template back: into the catalog (if it is visible and valid), launchable, and its pool is
 * warmed again. Environments ended when it was deleted stay ended. Refused when another live template has
 * its name: today the names of deleted templates are never given to another, so this guards against a
 * template that took the name behind the portal's back (the database's unique index holds it too).
 */
export async function restoreTemplate(identity: Identity | null, input: { name: unknown }): Promise<{ name: string }> {
  assertCan(identity, "template:edit");
  const name = typeof input?.name === "string" ? input.name : "";
  try {
    const result = await db().$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.templateSave}::int)`;
      const template = name.length <= 63 ? await lockTemplateByName(tx, name, { deleted: true }) : null;
      const live = name.length <= 63 ? await lockTemplateByName(tx, name, { deleted: false }) : null;
      if (!template) {
        if (live) throw new AppError("CONFLICT", `${live.displayName} is not deleted.`);
        throw new AppError("NOT_FOUND", `There is no deleted template named "${name.slice(0, 80)}".`);
      }
      if (live) throw nameTaken(template.name);
      await setTemplateDeleted(tx, template.id, null);
      await recordAudit(tx, {
        actor: identity,
        action: "template.restore",
        objectType: "template",
        objectId: template.id,
        before: { name: template.name, deletedAt: template.deletedAt!.toISOString() },
        after: { name: template.name, deletedAt: null },
      });
      await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + template.id})`;
      return { name: template.name };
    });
    invalidateTemplateCache();
    return result;
  } catch (error) {
    // Should names ever be unique among live templates only, a template created at this very moment would
    // meet the index here instead of the check above.
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
}
