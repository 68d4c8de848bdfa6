import "server-only";
import { isDeepStrictEqual } from "node:util";
import { actorColumns, recordAudit } from "@/lib/db/audit";
import { findClassTemplateRow } from "@/lib/db/class-templates";
import { db } from "@/lib/db/client";
import { LOCKS } from "@/lib/db/coordination";
import { readSettings } from "@/lib/db/settings";
import { invalidateTemplateCache, loadLibrary, versionColumns } from "@/lib/db/templates";
import { CLASS_TEMPLATE_FIELDS, classTemplatePatchSchema, type ClassTemplateField } from "@/lib/domain/class-template-rules";
import { AppError, toAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { chainChecksum } from "@/lib/templates/checksum";
import { validateChain } from "@/lib/templates/compose";
import { TemplateError } from "@/lib/templates/errors";
import { resolveChain } from "@/lib/templates/inheritance";
import { parseVersionSpec } from "@/lib/templates/spec";
import { validationScope } from "../templates/internal/validation";
import {
  classTemplateNotFound,
  classTemplateSpec,
  readClassTemplateInput,
  requireOpenBase,
  requireValuesInside,
  scopeOf,
  templateProblems,
  viewOf,
  type ClassTemplateView,
} from "./internal/class-templates";

export interface ClassTemplateChange extends ClassTemplateView {
  /** What changed; empty when nothing did (and nothing was written). */
  changed: ClassTemplateField[];
}

/**
 * Changes some fields of one of the caller's class templates (admins: anyone's). How it is described changes
 * in place; new values or parameters make a new version, checked against its base's policy as it is now and
 * validated in full, all under the save lock with one audit entry. The base must still be open to teachers
 * for the values or parameters to change.
 */
export async function updateClassTemplate(identity: Identity | null, input: { name: string; body: unknown }): Promise<ClassTemplateChange> {
  assertCan(identity, "class-template:manage");
  const body = readClassTemplateInput(classTemplatePatchSchema, input.body);
  const name = String(input.name);
  const scope = scopeOf(identity);
  const changed = await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.templateSave}::int)`;
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM templates WHERE name = ${name} AND owner_id IS NOT NULL AND deleted_at IS NULL
        AND (${scope.ownerId}::uuid IS NULL OR owner_id = ${scope.ownerId}::uuid) FOR UPDATE`;
    if (locked.length === 0) throw classTemplateNotFound(name);
    const library = await loadLibrary(tx);
    const current = library.get(name)!;
    const row = await tx.template.findUniqueOrThrow({ where: { id: current.id }, select: { displayName: true, description: true, icon: true, category: true } });
    const before = { ...row, parameters: current.spec.parameters, values: current.spec.valuesTemplate };
    const after = { ...before, ...body };
    const fields = CLASS_TEMPLATE_FIELDS.filter((field) => !isDeepStrictEqual(before[field], after[field]));
    if (fields.length === 0) return fields;

    if (fields.includes("parameters") || fields.includes("values")) {
      const base = requireOpenBase(library, current.spec.extends ?? "");
      requireValuesInside(after.values, base);
      try {
        const spec = parseVersionSpec(classTemplateSpec(library, base, after));
        library.set(name, { ...current, spec });
        const chain = resolveChain(name, (n) => library.get(n));
        await validateChain(chain, current.method, validationScope(await readSettings(tx), current));
        await tx.templateVersion.create({
          data: { templateId: current.id, version: current.version + 1, authorId: actorColumns(identity).actorId, message: "Changed by its teacher", baseChecksum: chainChecksum(chain), ...versionColumns(spec) },
        });
      } catch (error) {
        if (error instanceof TemplateError) throw templateProblems(error);
        throw toAppError(error);
      }
    }
    await tx.template.update({
      where: { id: current.id },
      data: { displayName: after.displayName, description: after.description, icon: after.icon, category: after.category, validationError: null },
    });
    const pick = (side: typeof before) => Object.fromEntries(fields.map((field) => [field, side[field]]));
    await recordAudit(tx, { actor: identity, action: "class-template.update", objectType: "template", objectId: current.id, before: pick(before), after: pick(after) });
    return fields;
  });
  if (changed.length > 0) invalidateTemplateCache();
  const row = await findClassTemplateRow(name, scope);
  if (!row) throw new AppError("NOT_FOUND", `No class template "${name.slice(0, 63)}" of yours.`);
  return { ...viewOf(row), changed };
}
