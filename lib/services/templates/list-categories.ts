import "server-only";
import { listCategoryValues } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { splitCategory } from "@/lib/domain/template-settings";

export interface CategorySuggestion {
  category: string;
  subcategories: string[];
}

/** The categories templates use, each with its subcategories: suggestions for the settings form. */
export async function listTemplateCategories(identity: Identity | null): Promise<CategorySuggestion[]> {
  assertCan(identity, "template:edit");
  const byCategory = new Map<string, Set<string>>();
  for (const value of await listCategoryValues()) {
    const parts = splitCategory(value);
    // Rows written before the settings form existed may not parse; they suggest nothing.
    if ("problem" in parts || parts.category === "") continue;
    const subcategories = byCategory.get(parts.category) ?? new Set<string>();
    if (parts.subcategory) subcategories.add(parts.subcategory);
    byCategory.set(parts.category, subcategories);
  }
  return [...byCategory.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, subcategories]) => ({ category, subcategories: [...subcategories].sort((a, b) => a.localeCompare(b)) }));
}
