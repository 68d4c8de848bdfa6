import { PHASES, type Phase } from "./phase";

/**
 * The admin's list of every environment: what it can be narrowed by, sorted by and paged through, read from
 * and written to the page's URL (so a list can be reloaded and shared) and the API's query string. Unlike
 * the template list, anything it does not understand is an error naming the parameter: a list an admin may
 * end in bulk must never silently show more than was asked for. Pure; the query is lib/db/instances.ts's.
 */

/** How far ahead "expiring within" looks, by the word the URL uses. */
export const EXPIRING_WITHIN = { "15m": 15 * 60, "1h": 60 * 60, "4h": 4 * 60 * 60, "1d": 24 * 60 * 60 } as const;
export type ExpiringWithin = keyof typeof EXPIRING_WITHIN;
const EXPIRING_KEYS = Object.keys(EXPIRING_WITHIN) as ExpiringWithin[];

/** Which rows: those not torn down yet (being torn down included), those torn down, or both. */
export const INSTANCE_SHOWS = ["live", "ended", "all"] as const;
export type InstanceShow = (typeof INSTANCE_SHOWS)[number];

export const INSTANCE_SORTS = ["created", "expires", "template", "owner", "phase", "uuid"] as const;
export type InstanceSort = (typeof INSTANCE_SORTS)[number];
export const SORT_ORDERS = ["asc", "desc"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** Rows per page. */
export const PAGE_SIZE = 50;
/** The last page anyone may ask for: far past any real list, and an offset PostgreSQL skips cheaply. */
export const MAX_PAGE = 10_000;
/** Longest value of any parameter; longer is refused, never cut (a cut filter would match something else). */
export const MAX_PARAMETER = 100;
/** The owner filter that means "nobody": unclaimed warm pool members. */
export const NO_OWNER = "-";

const TEMPLATE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const OWNER_TEXT = /^[a-z0-9-]{1,63}$/;

export interface InstanceListFilter {
  /** A template's name, exactly. */
  template: string | null;
  /** Text the owner key contains (owner keys are lowercase letters, digits and dashes), or NO_OWNER. */
  owner: string | null;
  phase: Phase | null;
  /** Live environments whose time runs out within this (or has run out, awaiting the worker). */
  expiring: ExpiringWithin | null;
  /** Only those in trouble: failed, or a launch under way whose last report is a problem. */
  failed: boolean;
  show: InstanceShow;
}

export interface InstanceListQuery {
  filter: InstanceListFilter;
  sort: InstanceSort;
  order: SortOrder;
  page: number;
}

export const NO_INSTANCE_FILTER: InstanceListFilter = { template: null, owner: null, phase: null, expiring: null, failed: false, show: "live" };
export const DEFAULT_INSTANCE_QUERY: InstanceListQuery = { filter: NO_INSTANCE_FILTER, sort: "created", order: "desc", page: 1 };

const FILTER_KEYS = ["template", "owner", "phase", "expiring", "failed", "show"] as const;
const PAGING_KEYS = ["sort", "order", "page"] as const;

export type ParameterErrors = Record<string, string[]>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: ParameterErrors };

/** Adds an error under `name` as an own property, even for a name like "__proto__" that assignment would not create. */
export function addError(errors: ParameterErrors, name: string, message: string): void {
  Object.defineProperty(errors, name, { value: [...(Object.hasOwn(errors, name) ? errors[name]! : []), message], enumerable: true, configurable: true, writable: true });
}

function choices(values: readonly string[]): string {
  return values.join(", ");
}

/** One parameter's value as text: missing and empty are "not given"; anything else that is not one short text is an error. */
function textOf(raw: unknown): { value: string | null } | { error: string } {
  if (raw === undefined || raw === null) return { value: null };
  if (Array.isArray(raw)) return raw.length > 1 ? { error: "is given more than once" } : textOf(raw[0]);
  if (typeof raw !== "string") return { error: "must be text" };
  if (raw.length > MAX_PARAMETER) return { error: `is longer than ${MAX_PARAMETER} characters` };
  const value = raw.trim();
  return { value: value === "" ? null : value };
}

type Reader = (value: string) => { ok: true; set: (query: InstanceListQuery) => void } | { ok: false; error: string };

const READERS: Record<(typeof FILTER_KEYS)[number] | (typeof PAGING_KEYS)[number], Reader> = {
  template: (value) =>
    TEMPLATE_NAME.test(value) ? { ok: true, set: (q) => void (q.filter.template = value) } : { ok: false, error: "must be a template's name (lowercase letters, digits and dashes)" },
  owner: (value) => {
    const owner = value.toLowerCase();
    if (owner === NO_OWNER || OWNER_TEXT.test(owner)) return { ok: true, set: (q) => void (q.filter.owner = owner) };
    return { ok: false, error: `must be part of an owner key (letters, digits and dashes, at most 63), or "${NO_OWNER}" for unclaimed pool members` };
  },
  phase: (value) =>
    (PHASES as readonly string[]).includes(value) ? { ok: true, set: (q) => void (q.filter.phase = value as Phase) } : { ok: false, error: `must be one of ${choices(PHASES)}` },
  expiring: (value) =>
    (EXPIRING_KEYS as string[]).includes(value) ? { ok: true, set: (q) => void (q.filter.expiring = value as ExpiringWithin) } : { ok: false, error: `must be one of ${choices(EXPIRING_KEYS)}` },
  failed: (value) => (value === "1" ? { ok: true, set: (q) => void (q.filter.failed = true) } : { ok: false, error: 'must be "1" (or left out)' }),
  show: (value) =>
    (INSTANCE_SHOWS as readonly string[]).includes(value) ? { ok: true, set: (q) => void (q.filter.show = value as InstanceShow) } : { ok: false, error: `must be one of ${choices(INSTANCE_SHOWS)}` },
  sort: (value) =>
    (INSTANCE_SORTS as readonly string[]).includes(value) ? { ok: true, set: (q) => void (q.sort = value as InstanceSort) } : { ok: false, error: `must be one of ${choices(INSTANCE_SORTS)}` },
  order: (value) => ((SORT_ORDERS as readonly string[]).includes(value) ? { ok: true, set: (q) => void (q.order = value as SortOrder) } : { ok: false, error: "must be asc or desc" }),
  page: (value) => {
    const page = /^[0-9]{1,6}$/.test(value) ? Number(value) : NaN;
    return page >= 1 && page <= MAX_PAGE ? { ok: true, set: (q) => void (q.page = page) } : { ok: false, error: `must be a whole number from 1 to ${MAX_PAGE}` };
  },
};

function parse(params: unknown, keys: readonly (keyof typeof READERS)[]): Parsed<InstanceListQuery> {
  const query: InstanceListQuery = { ...DEFAULT_INSTANCE_QUERY, filter: { ...NO_INSTANCE_FILTER } };
  if (params === undefined || params === null) return { ok: true, value: query };
  if (typeof params !== "object" || Array.isArray(params)) return { ok: false, errors: { filter: ["must be an object of filters"] } };
  const errors: ParameterErrors = {};
  // Own keys only, "__proto__" included: it is refused like any other unknown name.
  for (const [name, raw] of Object.entries(params)) {
    const shown = name.slice(0, 80);
    if (!(keys as readonly string[]).includes(name)) {
      if (raw !== undefined) addError(errors, shown, `is not a filter of this list (use ${choices(keys)})`);
      continue;
    }
    const text = textOf(raw);
    if ("error" in text) {
      addError(errors, name, text.error);
      continue;
    }
    if (text.value === null) continue;
    const read = READERS[name as keyof typeof READERS](text.value);
    if (read.ok) read.set(query);
    else addError(errors, name, read.error);
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: query };
}

/** Reads the list's filter, sort and page from search parameters (a page's, or the API's query string). */
export function parseInstanceListQuery(params: unknown): Parsed<InstanceListQuery> {
  return parse(params, [...FILTER_KEYS, ...PAGING_KEYS]);
}

/** Reads a filter alone, as a bulk action by filter sends it: sorting and paging mean nothing there. */
export function parseInstanceFilter(params: unknown): Parsed<InstanceListFilter> {
  const parsed = parse(params, FILTER_KEYS);
  return parsed.ok ? { ok: true, value: parsed.value.filter } : parsed;
}

/** A filter as search parameters: only what differs from no filter, in a fixed order. */
export function instanceFilterParams(filter: Partial<InstanceListFilter>): Record<string, string> {
  const params: Record<string, string> = {};
  if (filter.template) params.template = filter.template;
  if (filter.owner) params.owner = filter.owner;
  if (filter.phase) params.phase = filter.phase;
  if (filter.expiring) params.expiring = filter.expiring;
  if (filter.failed) params.failed = "1";
  if (filter.show && filter.show !== "live") params.show = filter.show;
  return params;
}

/** The list's URL (or the API's query string) for a query: only what differs from the defaults, in a fixed order. */
export function instanceListHref(query: Partial<Omit<InstanceListQuery, "filter">> & { filter?: Partial<InstanceListFilter> }, base = "/admin/environments"): string {
  const params = new URLSearchParams(instanceFilterParams(query.filter ?? {}));
  const sort = query.sort ?? DEFAULT_INSTANCE_QUERY.sort;
  const order = query.order ?? (sort === DEFAULT_INSTANCE_QUERY.sort ? DEFAULT_INSTANCE_QUERY.order : "asc");
  if (sort !== DEFAULT_INSTANCE_QUERY.sort || order !== DEFAULT_INSTANCE_QUERY.order) {
    params.set("sort", sort);
    params.set("order", order);
  }
  if (query.page && query.page > 1) params.set("page", String(query.page));
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

/** Whether anything narrows the list beyond "live environments". */
export function isInstanceListNarrowed(filter: InstanceListFilter): boolean {
  return Object.keys(instanceFilterParams(filter)).length > 0;
}

/** The order a column header's link asks for: the other way round when it is the sort already. */
export function nextSort(query: InstanceListQuery, sort: InstanceSort): { sort: InstanceSort; order: SortOrder } {
  if (query.sort === sort) return { sort, order: query.order === "asc" ? "desc" : "asc" };
  // Newest and soonest first are what an admin usually wants from these two.
  return { sort, order: sort === "created" ? "desc" : "asc" };
}

/** How many pages `total` rows make (at least one, so an empty list still has its page 1). */
export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

/** The filter in a few words, for a confirmation ("every Failed environment of e2e-lab"). */
export function describeInstanceFilter(filter: InstanceListFilter): string {
  const parts: string[] = [];
  if (filter.failed) parts.push("failed or failing");
  if (filter.phase) parts.push(filter.phase);
  let text = parts.length > 0 ? `${parts.join(" ")} environments` : "environments";
  if (filter.show === "ended") text = `ended ${text}`;
  if (filter.template) text += ` of ${filter.template}`;
  if (filter.owner === NO_OWNER) text += " that nobody claimed";
  else if (filter.owner) text += ` whose owner contains "${filter.owner}"`;
  if (filter.expiring) text += ` expiring within ${filter.expiring}`;
  return text;
}
