import "server-only";
import { catalogItemsInputSchema, type CatalogContent } from "@/lib/domain/catalog-rules";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { readCatalogInput, type CatalogView } from "./internal/catalogs";
import { saveCatalogChange } from "./update-catalog";

/**
 * Replaces the ordered templates of one of the caller's catalogs (an admin: any), each with its note: a
 * reorder, an addition or a removal is one list. Checked, written and audited as any change of the catalog.
 */
export async function setCatalogItems(identity: Identity | null, input: { slug: string; body: unknown }): Promise<CatalogView & { changed: (keyof CatalogContent)[] }> {
  assertCan(identity, "catalog:manage");
  const { items } = readCatalogInput(catalogItemsInputSchema, input.body);
  return saveCatalogChange(identity, input.slug, (before) => ({ ...before, items }));
}
