import "server-only";
import { contentOfRow, lockCatalogRow, markCatalogDeleted } from "@/lib/db/catalogs";
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/db/audit";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { forgetSharedCatalogs } from "@/lib/services/catalog/list-catalog";
import { catalogNotFound, scopeOf } from "./internal/catalogs";

/**
 * Deletes one of the caller's catalogs (an admin: any), softly: its audience stops seeing it at once, the row
 * stays for the audit trail and its slug is not reused. Another teacher's catalog is NOT_FOUND.
 */
export async function deleteCatalog(identity: Identity | null, input: { slug: unknown }): Promise<{ slug: string }> {
  assertCan(identity, "catalog:manage");
  const slug = typeof input?.slug === "string" ? input.slug : "";
  await db().$transaction(async (tx) => {
    const row = slug.length > 0 && slug.length <= 63 ? await lockCatalogRow(tx, slug, { ownerId: scopeOf(identity).ownerId }) : null;
    if (!row) throw catalogNotFound(slug);
    await markCatalogDeleted(tx, row.id, new Date());
    await recordAudit(tx, { actor: identity, action: "catalog.delete", objectType: "catalog", objectId: row.id, before: contentOfRow(row), after: null });
  });
  forgetSharedCatalogs();
  return { slug };
}
