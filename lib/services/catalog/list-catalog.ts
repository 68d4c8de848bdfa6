import "server-only";
import { memberClassIds } from "@/lib/db/classes";
import { listRunningTemplateNames } from "@/lib/db/instances";
import { onTemplatesChanged, type CatalogAudience } from "@/lib/db/templates";
import type { CatalogFilter, TemplateIcon } from "@/lib/domain/catalog";
import type { Identity } from "@/lib/domain/identity";
import { ownerKeysOf } from "@/lib/domain/owner-key";
import { assertCan } from "@/lib/domain/permissions";
import { getLaunchAvailability, type LaunchAvailability } from "@/lib/services/instances/internal/launch-availability";
import { readStudentCatalog } from "./internal/read-catalog";

/**
 * The student catalog: the catalogs teachers made for the user's groups or classes first, each template with
 * the teacher's note, then every other visible template by category. Templates that are base, deleted or
 * failed validation never show; hidden ones only inside a teacher's catalog for the user. A template in a
 * teacher's catalog is not repeated below.
 *
 * At the start of a class hundreds of students open this page at once, and everyone with the same groups and
 * classes sees the same catalog: what depends only on that audience and the filter is kept for a few seconds and shared,
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
  /** In the teacher's order, each with the teacher's note for students ("" for none). */
  entries: (CatalogEntry & { note: string })[];
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

export type SharedCatalog = Omit<StudentCatalog, "running" | "launching">;

const NO_FILTER: CatalogFilter = { query: "", category: null };
/** How long an audience's catalog is shared before it is read again; a template change clears it at once. */
const SHARED_FOR_MS = 5_000;
const MAX_SHARED = 200;
const shared = new Map<string, { at: number; catalog: Promise<SharedCatalog> }>();
onTemplatesChanged(() => shared.clear());

export async function listCatalog(identity: Identity | null, filter: CatalogFilter = NO_FILTER): Promise<StudentCatalog> {
  assertCan(identity, "catalog:view");
  const [classIds, running] = await Promise.all([memberClassIds(identity), listRunningTemplateNames(ownerKeysOf(identity))]);
  const catalog = await sharedCatalog({ groups: identity.groups, classIds }, filter);
  return { ...catalog, running, launching: getLaunchAvailability(identity) };
}

/** The catalog of an audience (a set of groups and of classes) and filter, read at most every few seconds per process. */
function sharedCatalog(audience: CatalogAudience, filter: CatalogFilter): Promise<SharedCatalog> {
  // Both sets are part of the key: two students of one group but different classes see different catalogs.
  const key = JSON.stringify([[...new Set(audience.groups)].sort(), [...new Set(audience.classIds)].sort(), filter.query, filter.category]);
  const now = Date.now();
  const hit = shared.get(key);
  if (hit && now - hit.at < SHARED_FOR_MS) return hit.catalog;
  if (shared.size >= MAX_SHARED) shared.delete(shared.keys().next().value!);
  const catalog = readStudentCatalog(audience, filter);
  shared.set(key, { at: now, catalog });
  catalog.catch(() => shared.delete(key));
  return catalog;
}

/** Forgets every shared catalog: a teacher's catalog changed, and its audience should see it now. */
export function forgetSharedCatalogs(): void {
  shared.clear();
}
