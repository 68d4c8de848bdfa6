import "server-only";
import { actorColumns, recordAudit } from "@/lib/db/audit";
import { db, isUniqueViolation, type Prisma } from "@/lib/db/client";
import { LOCKS } from "@/lib/db/coordination";
import { readSettings } from "@/lib/db/settings";
import { invalidateTemplateCache, isTemplateNameTaken, loadLibrary, versionColumns } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import type { CheckedDraft } from "@/lib/domain/template-import";
import { chainChecksum } from "@/lib/templates/checksum";
import { validateChain } from "@/lib/templates/compose";
import { resolveChain } from "@/lib/templates/inheritance";
import { validationScope } from "./validation";

/**
 * The one way a template comes into being, whichever way it was made (created, from a starter, duplicated,
 * imported): under the save lock, the name must be free (deleted templates keep theirs), the template is
 * validated in full against the library for a stand-in user like every later save, and it is stored as
 * version 1 with its audit entry, all in one transaction. A dry run does every check and keeps nothing.
 *
 * Template problems are thrown as the TemplateError validation raised, so the caller can place them (an
 * import names the line in its file); everything else as an AppError.
 */

export interface InsertOptions {
  /** The audit action: template.create, template.duplicate, template.import. */
  action: string;
  /** The first version's message. */
  message: string;
  /** More for the audit entry's after (where the template came from). */
  origin?: Record<string, unknown>;
  dryRun?: boolean;
  /** The teacher a class template belongs to; absent for a system template. */
  ownerId?: string;
}

/** The new template's row. */
export type InsertedTemplate = Prisma.TemplateGetPayload<object>;

class DryRunDone extends Error {}

/** Refuses a name that a template (a deleted one included) has, with a field error saying what to do. */
export function nameTakenError(name: string, deleted: boolean): AppError {
  const hint = deleted
    ? `belongs to a deleted template: restore it from the Deleted filter, or choose another name`
    : "is taken by another template: choose another name";
  return new AppError("CONFLICT", `The name "${name}" ${hint}.`, { name: [hint] });
}

export async function insertTemplate(identity: Identity, draft: CheckedDraft, options: InsertOptions): Promise<InsertedTemplate> {
  const { fields, spec } = draft;
  let inserted: InsertedTemplate | undefined;
  try {
    await db().$transaction(async (tx) => {
      // One change of the library at a time: the chain validated here must be the one saved.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.templateSave}::int)`;
      const taken = await isTemplateNameTaken(fields.name, tx);
      if (taken.taken) throw nameTakenError(fields.name, taken.deleted);
      const template = await tx.template.create({ data: { ...fields, ownerId: options.ownerId ?? null } });
      const library = await loadLibrary(tx);
      library.set(fields.name, { id: template.id, name: fields.name, isBase: fields.isBase, ownerId: options.ownerId ?? null, method: fields.method, spec, version: 0, checksum: "", baseChecksum: null });
      const chain = resolveChain(fields.name, (n) => library.get(n));
      await validateChain(chain, fields.method, validationScope(await readSettings(tx), fields));
      await tx.templateVersion.create({
        data: { templateId: template.id, version: 1, authorId: actorColumns(identity).actorId, message: options.message, baseChecksum: chainChecksum(chain), ...versionColumns(spec) },
      });
      await recordAudit(tx, { actor: identity, action: options.action, objectType: "template", objectId: template.id, after: { ...fields, spec, ...options.origin, ...(options.ownerId && { ownerId: options.ownerId }) } });
      inserted = template;
      // Rolls back everything above, after every check has passed.
      if (options.dryRun) throw new DryRunDone();
    });
  } catch (error) {
    if (error instanceof DryRunDone) return inserted!;
    // Two creations of one name at once: the second meets the unique index.
    if (isUniqueViolation(error)) throw nameTakenError(fields.name, false);
    throw error;
  }
  invalidateTemplateCache();
  return inserted!;
}
