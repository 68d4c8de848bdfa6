import "server-only";
import { createHash } from "node:crypto";
import { listAudienceCatalogs, listCatalogTemplates, type AudienceCatalog, type CatalogAudience } from "@/lib/db/templates";
import { displayCategory, matchesCatalogFilter, parseCategory, type CatalogFilter } from "@/lib/domain/catalog";
import type { CatalogEntry, CatalogGroup, SharedCatalog } from "../list-catalog";

/**
 * What the student catalog shows an audience, read from the database: checks no permission. `listCatalog`
 * shares it between students of one audience; a teacher's preview (`previewCatalog`) reads it with the
 * catalog being edited in place of its saved state (`draft`), so the preview shows what saving would.
 */
export async function readStudentCatalog(
  audience: CatalogAudience,
  filter: CatalogFilter,
  draft?: { replaces: string | null; catalog: AudienceCatalog | null },
): Promise<SharedCatalog> {
  const [templates, saved] = await Promise.all([listCatalogTemplates(audience, draft?.catalog?.templateIds ?? []), listAudienceCatalogs(audience)]);
  const catalogs = draft ? withDraft(saved, draft) : saved;
  const byId = new Map<string, { entry: CatalogEntry; visible: boolean }>();
  for (const { id, visible, category: raw, ...fields } of templates) {
    const { category, subcategory } = parseCategory(raw);
    byId.set(id, { entry: { ...fields, category, subcategory, subcategoryLabel: subcategory && displayCategory(subcategory) }, visible });
  }
  const matching = <E extends CatalogEntry>(entries: E[]) => entries.filter((entry) => matchesCatalogFilter(entry, filter));

  const inTeacherCatalogs = new Set<string>();
  const teacherCatalogs = catalogs
    .map((c) => {
      // A template that became base, deleted or invalid is not in byId: the catalog simply omits it.
      const entries = c.templateIds.flatMap((id, i) => {
        const found = byId.get(id);
        return found ? [{ ...found.entry, note: c.notes[i] ?? "" }] : [];
      });
      for (const entry of entries) inTeacherCatalogs.add(entry.name);
      return { slug: c.slug, title: c.title, description: c.description, entries: matching(entries) };
    })
    .filter((c) => c.entries.length > 0);
  const visible = [...byId.values()].filter((t) => t.visible).map((t) => t.entry);
  const groupsShown = groupByCategory(matching(visible.filter((entry) => !inTeacherCatalogs.has(entry.name))));

  const content = {
    catalogs: teacherCatalogs,
    groups: groupsShown,
    categories: [...new Set(visible.map((e) => e.category))].sort(compareCategories).map((name) => ({ name, label: displayCategory(name) })),
    total: visible.length,
  };
  return { ...content, contentKey: createHash("sha256").update(JSON.stringify(content)).digest("base64url") };
}

/** The saved catalogs with the one being edited replaced by its draft (or left out when the draft is not for this audience). */
function withDraft(saved: AudienceCatalog[], draft: { replaces: string | null; catalog: AudienceCatalog | null }): AudienceCatalog[] {
  const others = saved.filter((c) => c.slug !== draft.replaces && c.slug !== draft.catalog?.slug);
  const all = draft.catalog && draft.catalog.templateIds.length > 0 ? [...others, draft.catalog] : others;
  return all.sort((a, b) => (a.title === b.title ? a.slug.localeCompare(b.slug) : a.title < b.title ? -1 : 1));
}

/** "Other" (templates without a category) goes last; the rest alphabetically. */
function compareCategories(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "Other") return 1;
  if (b === "Other") return -1;
  return a.localeCompare(b);
}

/** One group per category; within it, entries without a subcategory first, then by subcategory. */
function groupByCategory(entries: CatalogEntry[]): CatalogGroup[] {
  const categories = new Map<string, CatalogEntry[]>();
  for (const entry of entries) categories.set(entry.category, [...(categories.get(entry.category) ?? []), entry]);
  const bySubcategory = (a: CatalogEntry, b: CatalogEntry) =>
    a.subcategory === b.subcategory ? 0 : a.subcategory === null ? -1 : b.subcategory === null ? 1 : a.subcategory.localeCompare(b.subcategory);
  return [...categories.keys()].sort(compareCategories).map((category) => ({
    category,
    label: displayCategory(category),
    entries: [...categories.get(category)!].sort(bySubcategory),
  }));
}
