import "server-only";
import { db } from "@/lib/db/client";
import { parseCategory, type TemplateIcon } from "@/lib/domain/catalog";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

export interface CatalogEntry {
  name: string;
  displayName: string;
  description: string;
  icon: TemplateIcon;
  category: string;
  subcategory: string | null;
  enabled: boolean;
  ttlSeconds: number;
  method: "on_demand" | "pool";
}

export interface CatalogGroup {
  category: string;
  entries: CatalogEntry[];
}

/** The templates a signed-in user can see in the catalog: visible, not base, not deleted, grouped by category. */
export async function listCatalog(identity: Identity | null): Promise<CatalogGroup[]> {
  assertCan(identity, "catalog:view");
  const templates = await db().template.findMany({
    where: { visible: true, isBase: false, deletedAt: null, validationError: null },
    orderBy: [{ category: "asc" }, { displayName: "asc" }],
    select: {
      name: true,
      displayName: true,
      description: true,
      icon: true,
      category: true,
      enabled: true,
      ttlSeconds: true,
      method: true,
    },
  });
  const groups = new Map<string, CatalogEntry[]>();
  for (const template of templates) {
    const { category, subcategory } = parseCategory(template.category);
    const entry: CatalogEntry = { ...template, category, subcategory };
    groups.set(category, [...(groups.get(category) ?? []), entry]);
  }
  return [...groups].map(([category, entries]) => ({ category, entries }));
}
