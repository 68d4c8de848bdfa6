import "server-only";
import { listCatalogRows } from "@/lib/db/catalogs";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { scopeOf, viewOf, type CatalogView } from "./internal/catalogs";

/** The caller's catalogs by title: a teacher's own, every catalog for an admin (with whose each is). */
export async function listCatalogs(identity: Identity | null): Promise<{ catalogs: CatalogView[] }> {
  assertCan(identity, "catalog:manage");
  const rows = await listCatalogRows({ ownerId: scopeOf(identity).ownerId });
  return { catalogs: rows.map(viewOf) };
}
