import "server-only";
import { listAudienceCatalogs, listCatalogTemplates } from "@/lib/db/templates";
import { matchesCatalogFilter, parseCategory, type CatalogFilter, type TemplateIcon } from "@/lib/domain/catalog";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { getLaunchAvailability, type LaunchAvailability } from "@/lib/services/instances/internal/launch-availability";

/**
 * The student catalog: the catalogs teachers made for the user's groups first, then every visible template
 * by category and subcategory. Templates that are base, deleted or failed validation never show; hidden
 * ones only inside a teacher's catalog for the user's groups.
 */

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
  /** Warm pool members free to claim right now: a launch gets its URL at once ("instant"). */
  warm: number;
}

export interface CatalogGroup {
  category: string;
  subcategories: { name: string | null; entries: CatalogEntry[] }[];
}

export interface TeacherCatalog {
  slug: string;
  title: string;
  description: string;
  entries: CatalogEntry[];
}

export interface StudentCatalog {
  catalogs: TeacherCatalog[];
  groups: CatalogGroup[];
  /** Every category of the visible templates, for the filter, whatever the filter is. */
  categories: string[];
  /** How many templates the unfiltered page would show. */
  total: number;
  /** Whether this portal can launch at all, and why not. */
  launching: LaunchAvailability;
}

const NO_FILTER: CatalogFilter = { query: "", category: null };

export async function listCatalog(identity: Identity | null, filter: CatalogFilter = NO_FILTER): Promise<StudentCatalog> {
  assertCan(identity, "catalog:view");
  const groups = identity.groups;
  // Two independent statements on the pool, not the ORM: this page is the portal's busiest.
  const [templates, catalogs] = await Promise.all([listCatalogTemplates(groups), listAudienceCatalogs(groups)]);

  const byId = new Map<string, { entry: CatalogEntry; visible: boolean }>();
  for (const { id, visible, category: raw, ...fields } of templates) {
    byId.set(id, { entry: { ...fields, ...parseCategory(raw) }, visible });
  }
  const visible = [...byId.values()].filter((t) => t.visible).map((t) => t.entry);
  const matching = (entries: CatalogEntry[]) => entries.filter((entry) => matchesCatalogFilter(entry, filter));

  const teacherCatalogs = catalogs
    .map((c) => ({
      slug: c.slug,
      title: c.title,
      description: c.description,
      entries: matching(c.templateIds.flatMap((id) => byId.get(id)?.entry ?? [])),
    }))
    .filter((c) => c.entries.length > 0);

  return {
    catalogs: teacherCatalogs,
    groups: groupByCategory(matching(visible)),
    categories: [...new Set(visible.map((e) => e.category))].sort(compareCategories),
    total: visible.length,
    launching: getLaunchAvailability(identity),
  };
}

/** "Other" (templates without a category) goes last; the rest alphabetically. */
function compareCategories(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "Other") return 1;
  if (b === "Other") return -1;
  return a.localeCompare(b);
}

function groupByCategory(entries: CatalogEntry[]): CatalogGroup[] {
  const categories = new Map<string, Map<string | null, CatalogEntry[]>>();
  for (const entry of entries) {
    const subcategories = categories.get(entry.category) ?? new Map<string | null, CatalogEntry[]>();
    categories.set(entry.category, subcategories);
    subcategories.set(entry.subcategory, [...(subcategories.get(entry.subcategory) ?? []), entry]);
  }
  return [...categories.keys()].sort(compareCategories).map((category) => ({
    category,
    subcategories: [...categories.get(category)!]
      // Entries without a subcategory first, then subcategories alphabetically.
      .sort(([a], [b]) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a.localeCompare(b)))
      .map(([name, list]) => ({ name, entries: list })),
  }));
}
