import "server-only";
import { findCatalogRow } from "@/lib/db/catalogs";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { catalogNotFound, scopeOf, viewOf, type CatalogView } from "./internal/catalogs";

export type { CatalogView } from "./internal/catalogs";

/** One of the caller's catalogs (an admin: any) by its slug; someone else's is NOT_FOUND. */
export async function getCatalog(identity: Identity | null, input: { slug: unknown }): Promise<CatalogView> {
  assertCan(identity, "catalog:manage");
  const slug = typeof input?.slug === "string" ? input.slug : "";
  const row = slug.length > 0 && slug.length <= 63 ? await findCatalogRow(slug, { ownerId: scopeOf(identity).ownerId }) : null;
  if (!row) throw catalogNotFound(slug);
  return viewOf(row);
}
