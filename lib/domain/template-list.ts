/**
 * The admin's list of templates: what it can be narrowed by, read from and written to the page's URL, so a
 * filtered list survives a reload and can be shared. Pure; the query is lib/db/templates.ts's.
 */

export const TEMPLATE_STATES = ["enabled", "disabled", "invalid", "base"] as const;
export type TemplateState = (typeof TEMPLATE_STATES)[number];
export const TEMPLATE_METHODS = ["on_demand", "pool"] as const;
export const TEMPLATE_OWNERS = ["system", "class"] as const;
export type TemplateOwner = (typeof TEMPLATE_OWNERS)[number];

/** Longest search text and category considered; longer input is cut, never an error. */
export const MAX_LIST_QUERY = 100;

export interface TemplateListFilter {
  /** Words that must all appear in the name, display name, description or category (any case). */
  query: string;
  state: TemplateState | null;
  method: (typeof TEMPLATE_METHODS)[number] | null;
  /** A main category as stored (the part before the comma), or "" for templates without one. */
  category: string | null;
  /** system: admins' templates (no owner); class: a teacher's. */
  owner: TemplateOwner | null;
  /** Deleted templates instead of live ones. */
  deleted: boolean;
}

export const NO_FILTER: TemplateListFilter = { query: "", state: null, method: null, category: null, owner: null, deleted: false };

function one<T extends string>(value: string, allowed: readonly T[]): T | null {
  return (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/**
 * Reads a filter from search parameters whatever shape they arrive in (repeated, missing, huge, unknown
 * values): anything it does not understand is no filter, so a stale or hand-edited URL still shows a list.
 */
export function parseTemplateListFilter(params: Record<string, string | string[] | undefined>): TemplateListFilter {
  const first = (key: string) => {
    const value = params[key];
    return ((Array.isArray(value) ? value[0] : value) ?? "").trim().slice(0, MAX_LIST_QUERY);
  };
  const category = first("category");
  return {
    query: first("q"),
    state: one(first("state"), TEMPLATE_STATES),
    method: one(first("method"), TEMPLATE_METHODS),
    category: category === "" ? null : category === "-" ? "" : category,
    owner: one(first("owner"), TEMPLATE_OWNERS),
    deleted: first("deleted") === "1",
  };
}

/** The list's URL for a filter: only what differs from no filter, in a fixed order. */
export function templateListHref(filter: Partial<TemplateListFilter>, base = "/admin/templates"): string {
  const params = new URLSearchParams();
  if (filter.query) params.set("q", filter.query);
  if (filter.state) params.set("state", filter.state);
  if (filter.method) params.set("method", filter.method);
  // A blank category ("Other") is written "-", so it differs from no category filter at all.
  if (filter.category !== null && filter.category !== undefined) params.set("category", filter.category === "" ? "-" : filter.category);
  if (filter.owner) params.set("owner", filter.owner);
  if (filter.deleted) params.set("deleted", "1");
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

/** Whether anything narrows the list besides the live/deleted switch. */
export function isNarrowed(filter: TemplateListFilter): boolean {
  return filter.query !== "" || filter.state !== null || filter.method !== null || filter.category !== null || filter.owner !== null;
}

/** The words of a search, each ready for a LIKE pattern: `%`, `_` and `\` stand for themselves. */
export function searchPatterns(query: string): string[] {
  return query
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 10)
    .map((word) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}
