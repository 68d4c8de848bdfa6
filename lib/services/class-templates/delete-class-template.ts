import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { LOCKS } from "@/lib/db/coordination";
import { invalidateTemplateCache, listTemplateInstances, setTemplateDeleted } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { forgetSharedCatalogs } from "@/lib/services/catalog/list-catalog";
import { classTemplateNotFound, scopeOf } from "./internal/class-templates";

/**
 * Deletes one of the caller's class templates (admins: anyone's), softly: it leaves every catalog and can no
 * longer be launched; environments already running are left until they expire. Its name stays taken.
 */
export async function deleteClassTemplate(identity: Identity | null, input: { name: string }): Promise<{ name: string; kept: number }> {
  assertCan(identity, "class-template:manage");
  const name = String(input?.name ?? "");
  const scope = scopeOf(identity);
  const result = await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.templateSave}::int)`;
    const rows = await tx.$queryRaw<{ id: string; name: string }[]>`
      SELECT id::text, name FROM templates WHERE name = ${name} AND owner_id IS NOT NULL AND deleted_at IS NULL
        AND (${scope.ownerId}::uuid IS NULL OR owner_id = ${scope.ownerId}::uuid) FOR UPDATE`;
    const template = rows[0];
    if (!template) throw classTemplateNotFound(name);
    const live = (await listTemplateInstances(tx, template.id, { lock: false })).filter((i) => i.ownerKey !== null).length;
    const at = new Date();
    await setTemplateDeleted(tx, template.id, at);
    await recordAudit(tx, {
      actor: identity,
      action: "class-template.delete",
      objectType: "template",
      objectId: template.id,
      before: { name: template.name, deletedAt: null },
      after: { name: template.name, deletedAt: at.toISOString(), liveInstances: live },
    });
    return { name: template.name, kept: live };
  });
  invalidateTemplateCache();
  forgetSharedCatalogs();
  return result;
}
