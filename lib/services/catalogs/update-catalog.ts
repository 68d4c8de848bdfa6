import "server-only";
import { contentOfRow, findCatalogRow, lockCatalogRow, writeCatalog } from "@/lib/db/catalogs";
import { db, isUniqueViolation } from "@/lib/db/client";
import { recordAudit } from "@/lib/db/audit";
import { applyCatalogPatch, catalogChanges, catalogInputSchema, catalogPatchSchema, contentOfInput, type CatalogContent } from "@/lib/domain/catalog-rules";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { forgetSharedCatalogs } from "@/lib/services/catalog/list-catalog";
import { catalogNotFound, readCatalogInput, resolveCatalog, scopeOf, slugTaken, viewOf, type CatalogView } from "./internal/catalogs";

/**
 * Changes one of the caller's catalogs (an admin: any): every field (`mode: "replace"`, what the editor and
 * `PUT` send; a slug left out keeps the catalog's) or some (`"patch"`). The items and audience are replaced as
 * a whole in one transaction with the catalog locked, audited with before and after; nothing is written when
 * nothing changed. Another teacher's catalog is NOT_FOUND and stays as it was.
 */
export async function updateCatalog(identity: Identity | null, input: { slug: string; mode: "replace" | "patch"; body: unknown }): Promise<CatalogView & { changed: (keyof CatalogContent)[] }> {
  assertCan(identity, "catalog:manage");
  const change =
    input.mode === "replace"
      ? (() => {
          const whole = readCatalogInput(catalogInputSchema, input.body);
          return (before: CatalogContent) => contentOfInput({ ...whole, slug: whole.slug ?? before.slug });
        })()
      : (() => {
          const patch = readCatalogInput(catalogPatchSchema, input.body);
          return (before: CatalogContent) => applyCatalogPatch(before, patch);
        })();
  return saveCatalogChange(identity, input.slug, change);
}

/** Locks the caller's catalog `slug`, applies `change` to its content, checks and writes it; shared with the items' replacement. */
export async function saveCatalogChange(identity: Identity, slug: string, change: (before: CatalogContent) => CatalogContent): Promise<CatalogView & { changed: (keyof CatalogContent)[] }> {
  let wanted = slug;
  try {
    const outcome = await db().$transaction(async (tx) => {
      const row = typeof slug === "string" && slug.length <= 63 ? await lockCatalogRow(tx, slug, { ownerId: scopeOf(identity).ownerId }) : null;
      if (!row) throw catalogNotFound(slug);
      const before = contentOfRow(row);
      const after = change(before);
      wanted = after.slug;
      const resolved = await resolveCatalog(tx, identity, after, row);
      // Compared after resolving, so an unchanged save still proves every template and class is allowed.
      const changed = catalogChanges(before, after);
      if (changed.length === 0) return { row, changed };
      await writeCatalog(tx, row.id, row.ownerId, resolved);
      const saved = (await findCatalogRow(resolved.slug, { ownerId: null }, tx))!;
      await recordAudit(tx, { actor: identity, action: "catalog.update", objectType: "catalog", objectId: row.id, before, after: contentOfRow(saved) });
      return { row: saved, changed };
    });
    if (outcome.changed.length) forgetSharedCatalogs();
    return { ...viewOf(outcome.row), changed: outcome.changed };
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken(wanted);
    throw error;
  }
}
