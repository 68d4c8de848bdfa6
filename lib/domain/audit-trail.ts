import { csvRow } from "./csv";

/**
 * The admin's audit trail: what it can be filtered by, read from and written to the page's URL (and the
 * export's), the names of its actions and object types in words, and one entry as a CSV row. Pure; the query
 * is lib/db/audit-trail.ts's.
 */

export const AUDIT_PAGE_SIZE = 50;
/** Matching entries counted at most: past this the page says "more than" and asks for narrower filters. */
export const AUDIT_COUNT_CAP = 100_000;
/** The last page that can be asked for: the counted entries, a page at a time. */
export const MAX_AUDIT_PAGE = AUDIT_COUNT_CAP / AUDIT_PAGE_SIZE;

/** The actions the portal records, grouped for the filter; a family name ("signin") matches all of its actions. */
export const AUDIT_ACTION_GROUPS: readonly { label: string; actions: readonly (readonly [string, string])[] }[] = [
  {
    label: "Sign-in",
    actions: [
      ["signin", "Any sign-in event"],
      ["signin.success", "Signed in"],
      ["signin.fail", "Sign-in failed"],
      ["signin.lockout", "Locked out after failed sign-ins"],
    ],
  },
  {
    label: "Environments",
    actions: [
      ["instance", "Any environment event"],
      ["instance.launch", "Launched"],
      ["instance.extend", "Extended"],
      ["instance.release", "Ended"],
      ["instance.bulk-end", "Ended in bulk"],
      ["instance.bulk-extend", "Extended in bulk"],
      ["instance.open", "Opened from a class view"],
      ["pool.recycle", "Warm pool recycled"],
    ],
  },
  {
    label: "Templates",
    actions: [
      ["template", "Any template change"],
      ["template.create", "Created"],
      ["template.duplicate", "Duplicated"],
      ["template.import", "Imported"],
      ["template.version", "New version"],
      ["template.settings", "Settings changed"],
      ["template.delete", "Deleted"],
      ["template.restore", "Restored"],
    ],
  },
  {
    label: "Classes",
    actions: [
      ["class", "Any class event"],
      ["class.create", "Class created"],
      ["class.update", "Class changed"],
      ["class.archive", "Class archived"],
      ["class.unarchive", "Class brought back"],
      ["class.teacher.add", "Co-teacher added"],
      ["class.teacher.remove", "Co-teacher removed"],
      ["class.member.add", "Members added"],
      ["class.member.remove", "Member removed"],
      ["class.join", "Joined with the code"],
      ["class.join-code.rotate", "Join code replaced"],
      ["class.join-code.update", "Join code changed"],
      ["warm-up", "Any warm-up event"],
      ["warm-up.book", "Warm-up booked"],
      ["warm-up.update", "Warm-up changed"],
      ["warm-up.cancel", "Warm-up cancelled"],
    ],
  },
  {
    label: "Catalogs",
    actions: [
      ["catalog", "Any catalog change"],
      ["catalog.create", "Catalog created"],
      ["catalog.update", "Catalog changed"],
      ["catalog.delete", "Catalog deleted"],
    ],
  },
  {
    label: "Class templates",
    actions: [
      ["class-template", "Any class template change"],
      ["class-template.create", "Class template created"],
      ["class-template.update", "Class template changed"],
      ["class-template.delete", "Class template deleted"],
    ],
  },
  {
    label: "Tokens, accounts and settings",
    actions: [
      ["token.create", "API token created"],
      ["token.revoke", "API token revoked"],
      ["user.create", "Local account created"],
      ["user.update", "Local account changed"],
      ["user.disable", "Account disabled"],
      ["user.enable", "Account enabled"],
      ["user.password-reset", "Password reset by an admin"],
      ["user.password-set", "Password set with a link"],
      ["user.password-change", "Password changed by its owner"],
      ["settings.update", "Settings changed"],
      ["audit.export", "Audit trail exported"],
    ],
  },
];

export const AUDIT_OBJECT_TYPES: readonly (readonly [string, string])[] = [
  ["account", "Account (sign-in)"],
  ["address", "Address (sign-in)"],
  ["instance", "Environment"],
  ["template", "Template"],
  ["token", "API token"],
  ["user", "User"],
  ["settings", "Settings"],
  ["class", "Class"],
  ["catalog", "Catalog"],
  ["warm-up", "Warm-up"],
  ["audit", "Audit trail"],
];

const ACTION_WORDS = new Map(AUDIT_ACTION_GROUPS.flatMap((g) => g.actions.filter(([value]) => value.includes("."))));
const TYPE_WORDS = new Map(AUDIT_OBJECT_TYPES);

/** An action in words ("Sign-in failed"), or as it is stored when the portal has no words for it. */
export function describeAction(action: string): string {
  return ACTION_WORDS.get(action) ?? action;
}

export function describeObjectType(type: string): string {
  return TYPE_WORDS.get(type) ?? type;
}

/** The filters as given (trimmed); "" means any. Times are UTC unless they name their zone. */
export interface AuditFilter {
  actor: string;
  action: string;
  objectType: string;
  objectId: string;
  from: string;
  to: string;
}

export const NO_AUDIT_FILTER: AuditFilter = { actor: "", action: "", objectType: "", objectId: "", from: "", to: "" };
export const AUDIT_FILTER_FIELDS = ["actor", "action", "type", "object", "from", "to"] as const;
/** URL parameter → filter field. */
const PARAM: Record<(typeof AUDIT_FILTER_FIELDS)[number], keyof AuditFilter> = { actor: "actor", action: "action", type: "objectType", object: "objectId", from: "from", to: "to" };

/** A time range from the filter: `from` included, `to` excluded (a `to` of a day or a minute covers all of it). */
export interface AuditRange {
  from: Date | null;
  to: Date | null;
}

export interface AuditQuery {
  filter: AuditFilter;
  range: AuditRange;
  page: number;
  /** Problems by URL parameter, shown beside their fields; null when there are none. */
  errors: Record<string, string[]> | null;
  /** Parameters that are no filter at all (the export refuses them; the page ignores them). */
  unknown: string[];
}

const ACTION = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
const OBJECT_TYPE = /^[a-z][a-z0-9_-]*$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
export const MAX_ACTOR = 63;
export const MAX_OBJECT_ID = 100;
const TIME_HELP = "Not a date and time: write it like 2026-11-30 or 2026-11-30 14:05 (UTC).";

/**
 * A moment from the filter's text: a date, a date and time to the minute or second, optionally with a zone
 * (Z, +01:00). `end` gives the end of what the text names (the next day, minute or second), so a `to` of
 * 2026-11-30 covers that whole day. Null when the text is no such moment (30 February, hour 25, year 0).
 */
export function parseAuditTime(text: string, end = false): Date | null {
  const match = TIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, ms, zone] = match;
  const parts = [y, mo, d, h ?? "0", mi ?? "0", s ?? "0"].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = parts;
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const millis = ms ? Number(ms.padEnd(3, "0")) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (new Date(utc).getUTCDate() !== day) return null;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== "Z") {
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(-2))];
    if (zh > 14 || zm > 59) return null;
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (zh * 60 + zm);
  }
  const precision = ms ? 1 : s ? 1000 : h ? 60_000 : 86_400_000;
  return new Date(utc - offsetMinutes * 60_000 + (end ? precision : 0));
}

/**
 * Reads the filters and the page from search parameters. Unlike a list that only narrows, a wrong filter
 * here would show a misleading trail, so every problem is reported by field instead of being ignored.
 */
export function parseAuditQuery(params: Record<string, string | string[] | undefined>): AuditQuery {
  const errors: Record<string, string[]> = {};
  const fail = (name: string, message: string) => (errors[name] ??= []).push(message);
  const filter: AuditFilter = { ...NO_AUDIT_FILTER };
  const value = (name: string): string => {
    const given = params[name];
    if (Array.isArray(given)) {
      fail(name, "Given more than once.");
      return "";
    }
    return (given ?? "").trim();
  };
  for (const name of AUDIT_FILTER_FIELDS) filter[PARAM[name]] = value(name);

  if (filter.actor.length > MAX_ACTOR) fail("actor", `At most ${MAX_ACTOR} characters.`);
  else if (CONTROL.test(filter.actor)) fail("actor", "No control characters.");
  if (filter.action && (filter.action.length > 64 || !ACTION.test(filter.action))) fail("action", "Not an action: choose one from the list.");
  if (filter.objectType && (filter.objectType.length > 32 || !OBJECT_TYPE.test(filter.objectType))) fail("type", "Not an object type: choose one from the list.");
  if (filter.objectId.length > MAX_OBJECT_ID) fail("object", `At most ${MAX_OBJECT_ID} characters.`);
  else if (CONTROL.test(filter.objectId)) fail("object", "No control characters.");

  const range: AuditRange = { from: null, to: null };
  if (filter.from) {
    range.from = filter.from.length <= 40 ? parseAuditTime(filter.from) : null;
    if (!range.from) fail("from", TIME_HELP);
  }
  if (filter.to) {
    range.to = filter.to.length <= 40 ? parseAuditTime(filter.to, true) : null;
    if (!range.to) fail("to", TIME_HELP);
  }
  if (range.from && range.to && range.from >= range.to) fail("to", "Must be after From.");

  let page = 1;
  const pageText = value("page");
  if (pageText !== "") {
    page = /^\d{1,9}$/.test(pageText) ? Number(pageText) : 0;
    if (page < 1 || page > MAX_AUDIT_PAGE) {
      fail("page", `A page number from 1 to ${MAX_AUDIT_PAGE}: narrow the filters to see older entries.`);
      page = 1;
    }
  }
  const known = new Set<string>([...AUDIT_FILTER_FIELDS, "page"]);
  const unknown = Object.keys(params).filter((name) => !known.has(name));
  return { filter, range, page, errors: Object.keys(errors).length > 0 ? errors : null, unknown };
}

/** The trail's URL for a filter and page: only what is set, in a fixed order. */
export function auditTrailHref(filter: Partial<AuditFilter>, page = 1, base = "/admin/audit"): string {
  const params = new URLSearchParams();
  for (const name of AUDIT_FILTER_FIELDS) {
    const text = filter[PARAM[name]];
    if (text) params.set(name, text);
  }
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

export function isAuditFiltered(filter: AuditFilter): boolean {
  return Object.values(filter).some((v) => v !== "");
}

/** Text for a LIKE pattern in which `%`, `_` and `\` stand for themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern that finds the text anywhere. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

/** One entry of the trail as the admin area shows and exports it. */
export interface AuditEventView {
  id: string;
  at: Date;
  actorId: string | null;
  actorName: string;
  action: string;
  objectType: string;
  objectId: string | null;
  sourceAddress: string | null;
  userAgent: string | null;
  before: unknown;
  after: unknown;
}

export const AUDIT_CSV_HEADER = csvRow(["id", "time (UTC)", "actor", "actor id", "action", "object type", "object id", "source address", "user agent", "before", "after"]);

const jsonCell = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export function auditCsvRow(event: AuditEventView): string {
  return csvRow([
    event.id,
    event.at.toISOString(),
    event.actorName,
    event.actorId,
    event.action,
    event.objectType,
    event.objectId,
    event.sourceAddress,
    event.userAgent,
    jsonCell(event.before),
    jsonCell(event.after),
  ]);
}
