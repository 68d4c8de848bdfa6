import "server-only";
import { contentOfRow, findCatalogRow, writeCatalog } from "@/lib/db/catalogs";
import { db, isUniqueViolation } from "@/lib/db/client";
import { recordAudit } from "@/lib/db/audit";
import { catalogInputSchema, contentOfInput } from "@/lib/domain/catalog-rules";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { forgetSharedCatalogs } from "@/lib/services/catalog/list-catalog";
import { readCatalogInput, resolveCatalog, slugTaken, viewOf, type CatalogView } from "./internal/catalogs";

/**
 * A new catalog owned by the caller: its fields, audience and ordered templates checked (classes the caller
 * teaches, templates they may use, a free slug, made from the title when left out) and written with its audit
 * entry in one transaction.
 */
export async function createCatalog(identity: Identity | null, input: unknown): Promise<CatalogView> {
  assertCan(identity, "catalog:manage");
  const content = contentOfInput(readCatalogInput(catalogInputSchema, input));
  try {
    const row = await db().$transaction(async (tx) => {
      const resolved = await resolveCatalog(tx, identity, content, null);
      const id = await writeCatalog(tx, null, identity.userId, resolved);
      const saved = (await findCatalogRow(resolved.slug, { ownerId: null }, tx))!;
      await recordAudit(tx, { actor: identity, action: "catalog.create", objectType: "catalog", objectId: id, before: null, after: contentOfRow(saved) });
      return saved;
    });
    forgetSharedCatalogs();
    return viewOf(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken(content.slug);
    throw error;
  }
}
