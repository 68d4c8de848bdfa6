import "server-only";
import { createHash } from "node:crypto";
import { listRunningTemplateNames } from "@/lib/db/instances";
import { listAudienceCatalogs, listCatalogTemplates, onTemplatesChanged } from "@/lib/db/templates";
import { displayCategory, matchesCatalogFilter, parseCategory, type CatalogFilter, type TemplateIcon } from "@/lib/domain/catalog";
import type { Identity } from "@/lib/domain/identity";
import { ownerKeysOf } from "@/lib/domain/owner-key";
import { assertCan } from "@/lib/domain/permissions";
import { getLaunchAvailability, type LaunchAvailability } from "@/lib/services/instances/internal/launch-availability";

/**
 * The student catalog: the catalogs teachers made for the user's groups first, then every other visible
 * template by category. Templates that are base, deleted or failed validation never show; hidden ones only
 * inside a teacher's catalog for the user's groups. A template in a teacher's catalog is not repeated below.
 *
 * At the start of a class hundreds of students open this page at once, and everyone with the same groups sees
 * the same catalog: what depends only on the audience and the filter is kept for a few seconds and shared,
 * and identified by a content key so its rendering can be shared too. Only which environments the caller
 * has running is read for each request.
 */

export interface CatalogEntry {
  name: string;
  displayName: string;
  description: string;
  icon: TemplateIcon;
  category: string;
  subcategory: string | null;
  /** The subcategory as people read it ("SQL"); null without one. */
  subcategoryLabel: string | null;
  enabled: boolean;
  ttlSeconds: number;
  method: "on_demand" | "pool";
  /** Warm pool members free to claim right now: a launch gets its URL at once ("instant"). */
  warm: number;
}

export interface CatalogGroup {
  category: string;
  /** The category as people read it ("Data science"). */
  label: string;
  entries: CatalogEntry[];
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
  categories: { name: string; label: string }[];
  /** How many templates the unfiltered page would show. */
  total: number;
  /** Identifies everything above: equal keys, equal content (the same audience and filter). */
  contentKey: string;
  /** Templates the caller has a live environment of: their cards say "Running" and lead to it. */
  running: string[];
  /** Whether this portal can launch at all, and why not. */
  launching: LaunchAvailability;
}

type SharedCatalog = Omit<StudentCatalog, "running" | "launching">;

const NO_FILTER: CatalogFilter = { query: "", category: null };
/** How long an audience's catalog is shared before it is read again; a template change clears it at once. */
const SHARED_FOR_MS = 5_000;
const MAX_SHARED = 200;
const shared = new Map<string, { at: number; catalog: Promise<SharedCatalog> }>();
onTemplatesChanged(() => shared.clear());

export async function listCatalog(identity: Identity | null, filter: CatalogFilter = NO_FILTER): Promise<StudentCatalog> {
  assertCan(identity, "catalog:view");
  const [catalog, running] = await Promise.all([sharedCatalog(identity.groups, filter), listRunningTemplateNames(ownerKeysOf(identity))]);
  return { ...catalog, running, launching: getLaunchAvailability(identity) };
}

/** The catalog of an audience (a set of groups) and filter, read at most every few seconds per process. */
function sharedCatalog(groups: string[], filter: CatalogFilter): Promise<SharedCatalog> {
  const key = JSON.stringify([[...new Set(groups)].sort(), filter.query, filter.category]);
  const now = Date.now();
  const hit = shared.get(key);
  if (hit && now - hit.at < SHARED_FOR_MS) return hit.catalog;
  if (shared.size >= MAX_SHARED) shared.delete(shared.keys().next().value!);
  const catalog = readCatalog(groups, filter);
  shared.set(key, { at: now, catalog });
  catalog.catch(() => shared.delete(key));
  return catalog;
}

async function readCatalog(groups: string[], filter: CatalogFilter): Promise<SharedCatalog> {
  const [templates, catalogs] = await Promise.all([listCatalogTemplates(groups), listAudienceCatalogs(groups)]);
  const byId = new Map<string, { entry: CatalogEntry; visible: boolean }>();
  for (const { id, visible, category: raw, ...fields } of templates) {
    const { category, subcategory } = parseCategory(raw);
    byId.set(id, { entry: { ...fields, category, subcategory, subcategoryLabel: subcategory && displayCategory(subcategory) }, visible });
  }
  const matching = (entries: CatalogEntry[]) => entries.filter((entry) => matchesCatalogFilter(entry, filter));

  const inTeacherCatalogs = new Set<string>();
  const teacherCatalogs = catalogs
    .map((c) => {
      const entries = c.templateIds.flatMap((id) => byId.get(id)?.entry ?? []);
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
