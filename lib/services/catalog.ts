import "server-only";
import { sqlPool } from "@/lib/db/client";
import { matchesCatalogFilter, parseCategory, type CatalogFilter, type TemplateIcon } from "@/lib/domain/catalog";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

/**
 * The student catalog (M1, M2, M32): the catalogs teachers made for the user's groups first, then every
 * visible template by category and subcategory. Templates that are base, deleted or failed validation never
 * show; hidden ones only inside a teacher's catalog for the user's groups.
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
}

type EntryRow = Omit<CatalogEntry, "category" | "subcategory"> & { id: string; visible: boolean; category: string };

const NO_FILTER: CatalogFilter = { query: "", category: null };

export async function listCatalog(identity: Identity | null, filter: CatalogFilter = NO_FILTER): Promise<StudentCatalog> {
  assertCan(identity, "catalog:view");
  const groups = identity.groups;
  // Two independent statements on the pool, not the ORM: this page is the portal's busiest.
  const [templates, catalogs] = await Promise.all([
    sqlPool().query<EntryRow>(
      `SELECT t.id::text, t.name, t.display_name AS "displayName", t.description, t.icon::text, t.category, t.enabled,
              t.visible, t.ttl_seconds AS "ttlSeconds", t.method::text,
              CASE WHEN t.method = 'pool' THEN (SELECT count(*)::int FROM instances i
                WHERE i.template_id = t.id AND i.phase = 'Available' AND i.owner_key IS NULL AND i.deleted_at IS NULL) ELSE 0 END AS warm
       FROM templates t
       WHERE NOT t.is_base AND t.deleted_at IS NULL AND t.validation_error IS NULL
         AND (t.visible OR EXISTS (SELECT 1 FROM catalog_items ci JOIN catalogs c ON c.id = ci.catalog_id
              WHERE ci.template_id = t.id AND c.deleted_at IS NULL AND c.audience_groups && $1::text[]))
       ORDER BY t.display_name, t.name`,
      [groups],
    ),
    groups.length === 0
      ? { rows: [] }
      : sqlPool().query<{ slug: string; title: string; description: string; templateIds: string[] }>(
          `SELECT c.slug, c.title, c.description, array_agg(ci.template_id::text ORDER BY ci.position, ci.template_id) AS "templateIds"
           FROM catalogs c JOIN catalog_items ci ON ci.catalog_id = c.id
           WHERE c.deleted_at IS NULL AND c.audience_groups && $1::text[]
           GROUP BY c.id ORDER BY c.title, c.slug`,
          [groups],
        ),
  ]);

  const byId = new Map<string, { entry: CatalogEntry; visible: boolean }>();
  for (const { id, visible, category: raw, ...fields } of templates.rows) {
    byId.set(id, { entry: { ...fields, ...parseCategory(raw) }, visible });
  }
  const visible = [...byId.values()].filter((t) => t.visible).map((t) => t.entry);
  const matching = (entries: CatalogEntry[]) => entries.filter((entry) => matchesCatalogFilter(entry, filter));

  const teacherCatalogs = catalogs.rows
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
