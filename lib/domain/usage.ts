import type { Ownership } from "./class-view";
import { csvRow } from "./csv";
import { toOwnerKey } from "./owner-key";

/**
 * Usage reports: how much environment time a class's students used over a range of days, how often they
 * launched, how often a launch failed and how long it took to be ready. The figures are computed in SQL
 * (lib/db/usage.ts); this module holds the rules that need no database: the range of days in the teacher's
 * time zone, clipping a span of use to it, the median, and the CSV rows.
 *
 * A span of use runs from a launch (an instance created with an owner key) or a claim (an unclaimed pool
 * member given an owner key) to its end: teardown started (Expiring), it failed, it was deleted, or it went
 * back to the warm pool. A span still open counts up to now or the range's end, whichever comes first.
 */

/** The default range: the last 30 days, today included. */
export const USAGE_DEFAULT_DAYS = 30;
/** The longest range a report covers. */
export const USAGE_MAX_DAYS = 366;

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** IANA names are letters, digits and `_+-/`; "UTC" and "Etc/GMT+5" included. */
const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

export const USAGE_QUERY_FIELDS = ["from", "to", "tz"] as const;

/** A report's range: whole days `fromDate`…`toDate` (both included) in `timeZone`, as the instants [from, to). */
export interface UsageRange {
  fromDate: string;
  toDate: string;
  timeZone: string;
  from: Date;
  to: Date;
}

export interface UsageRangeQuery {
  range: UsageRange | null;
  /** Problems by parameter; null when there are none. */
  errors: Record<string, string[]> | null;
}

/** Whether `name` is a time zone this runtime knows. */
export function isTimeZone(name: string): boolean {
  if (!TIME_ZONE.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function dateIn(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** How far a time zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The first instant of a calendar day in a time zone. Where a change of clocks skips midnight, the day starts
 * at the first wall-clock time that exists.
 */
export function startOfDay(date: string, timeZone: string): Date {
  const [, y, m, d] = DATE.exec(date)!.map(Number);
  const wall = Date.UTC(y!, m! - 1, d!);
  // The offset at the wall-clock instant read as UTC is a first guess; the offset at that guess corrects it
  // near a change of clocks. Where midnight is skipped, only the guess made with the earlier offset lands on
  // the day itself: the moment its clocks jump forward, its first instant.
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  const onDay = [first, second].filter((guess) => dateIn(new Date(guess), timeZone) === date);
  return new Date(onDay.length > 0 ? Math.min(...onDay) : second);
}

/** The date `days` days after a YYYY-MM-DD date (negative: before). */
export function addDays(date: string, days: number): string {
  const [, y, m, d] = DATE.exec(date)!.map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  const ms = (date: string) => Date.parse(`${date}T00:00:00Z`);
  return Math.round((ms(to) - ms(from)) / DAY_MS) + 1;
}

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  if (y! < 2000 || y! > 9999) return false;
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m! - 1 && date.getUTCDate() === d;
}

const describeDate = "A date as YYYY-MM-DD, from the year 2000.";

/**
 * Reads a report's range from its parameters: `from` and `to` as dates (both days included), `tz` an IANA
 * time zone (default UTC). Left out: `to` is today in that zone, `from` 29 days before `to`. Every problem is named by
 * its parameter; then there is no range.
 */
export function parseUsageRange(params: Record<string, string | undefined>, now: Date): UsageRangeQuery {
  const errors: Record<string, string[]> = {};
  const fail = (name: string, message: string) => (errors[name] ??= []).push(message);
  const text = (name: string) => (params[name] ?? "").trim();

  let timeZone = text("tz") || "UTC";
  if (!isTimeZone(timeZone)) {
    fail("tz", "Not a time zone: use an IANA name such as Europe/Paris or UTC.");
    timeZone = "UTC";
  }
  const fromText = text("from");
  const toText = text("to");
  const fromOk = fromText === "" || isCalendarDate(fromText);
  const toOk = toText === "" || isCalendarDate(toText);
  if (!fromOk) fail("from", describeDate);
  if (!toOk) fail("to", describeDate);

  if (fromOk && toOk) {
    const toDate = toText || dateIn(now, timeZone);
    const fromDate = fromText || addDays(toDate, -(USAGE_DEFAULT_DAYS - 1));
    if (fromDate > toDate) fail(toText ? "to" : "from", toText ? "Must be on or after the start." : "Must be today or earlier, or give an end too.");
    else if (daysBetween(fromDate, toDate) > USAGE_MAX_DAYS) fail("from", `A report covers at most ${USAGE_MAX_DAYS} days.`);
    if (Object.keys(errors).length === 0) {
      return { range: { fromDate, toDate, timeZone, from: startOfDay(fromDate, timeZone), to: startOfDay(addDays(toDate, 1), timeZone) }, errors: null };
    }
  }
  return { range: null, errors };
}

/**
 * How much of a span of use falls inside a range, in milliseconds: from its start (or the range's start) to
 * its end, or now while it is still open, but never past the range's end. Never negative.
 */
export function clippedMs(span: { start: Date; end: Date | null }, range: { from: Date; to: Date }, now: Date): number {
  const start = Math.max(span.start.getTime(), range.from.getTime());
  const end = Math.min((span.end ?? now).getTime(), range.to.getTime());
  return Math.max(0, end - start);
}

/** The median of some numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** How a span of use ended, or that it still runs. */
export type SpanOutcome = "running" | "ended" | "failed" | "returned";

/** One span of use, as the drill-down lists it and as the figures are made of. */
export interface UsageSpan {
  ownerKey: string;
  templateId: string;
  start: Date;
  end: Date | null;
  /** When it was first Ready for its owner (a claim: at once); null if never. */
  readyAt: Date | null;
  outcome: SpanOutcome;
  /** A warm pool member claimed, rather than a launch that installed an environment. */
  claimed: boolean;
}

/** The figures of a row of a report. */
export interface UsageFigures {
  timeUsedMs: number;
  launches: number;
  failures: number;
  medianMsToReady: number | null;
}

/**
 * The figures of some spans over a range: time used clipped to it; launches, failures and the median time to
 * ready counted among the spans that started inside it. A failure is a launch that failed before it was ready
 * (one that failed later was used, and counts as time). The SQL of lib/db/usage.ts computes the same; this
 * is its reference for tests and the figures of one student's drill-down.
 */
export function usageFigures(spans: readonly UsageSpan[], range: { from: Date; to: Date }, now: Date): UsageFigures {
  let timeUsedMs = 0;
  let launches = 0;
  let failures = 0;
  const ready: number[] = [];
  for (const span of spans) {
    timeUsedMs += clippedMs(span, range, now);
    if (span.start >= range.from && span.start < range.to) {
      launches++;
      if (span.outcome === "failed" && !span.readyAt) failures++;
      if (span.readyAt) ready.push(span.readyAt.getTime() - span.start.getTime());
    }
  }
  return { timeUsedMs, launches, failures, medianMsToReady: median(ready) };
}

/** A duration for people: "0 min", "45 min", "3 h 05 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return ms > 0 && minutes === 0 ? "< 1 min" : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A short wait for people: "0 s", "42 s", "3 min 10 s"; "–" when there is none. */
export function formatWait(ms: number | null): string {
  if (ms === null) return "–";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** Who a row of a report is about: a student (a member's username) or a group that owns shared environments. */
export type UsageOwnerKind = "student" | "group";

export interface UsageCsvLine extends UsageFigures {
  kind: UsageOwnerKind | "class" | "template";
  name: string;
  displayName: string | null;
  template: string;
}

export const USAGE_CSV_HEADER = csvRow(["kind", "name", "display_name", "template", "from", "to", "time_zone", "time_used_seconds", "launches", "failures", "median_seconds_to_ready"]);

const seconds = (ms: number | null) => (ms === null ? null : (Math.round(ms) / 1000).toFixed(3));

/**
 * One row of the CSV download: a class total, a student's or group's total (template empty) or their figures
 * for one template. Every cell goes through csvCell, so a name that looks like a formula stays text.
 */
export function usageCsvRow(line: UsageCsvLine, range: UsageRange): string {
  return csvRow([
    line.kind,
    line.name,
    line.displayName,
    line.template,
    range.fromDate,
    range.toDate,
    range.timeZone,
    seconds(line.timeUsedMs),
    line.launches,
    line.failures,
    seconds(line.medianMsToReady),
  ]);
}

/** The columns a report's table sorts by. */
export const USAGE_SORTS = ["name", "used", "launches", "failures", "ready"] as const;
export type UsageSort = (typeof USAGE_SORTS)[number];
export type SortDirection = "asc" | "desc";

/** The sort a page's parameters ask for; by time used, most first, when they ask for none or nonsense. */
export function parseUsageSort(sort: string | undefined, dir: string | undefined): { sort: UsageSort; dir: SortDirection } {
  const column = (USAGE_SORTS as readonly string[]).includes(sort ?? "") ? (sort as UsageSort) : "used";
  const direction = dir === "asc" || dir === "desc" ? dir : column === "name" ? "asc" : "desc";
  return { sort: column, dir: direction };
}

/**
 * Rows sorted by a column; ties by name. Rows without a median time to ready come last either way, since
 * "no launch was ready" is neither fast nor slow.
 */
export function sortUsageRows<T extends UsageFigures & { name: string }>(rows: readonly T[], sort: UsageSort, dir: SortDirection): T[] {
  const sign = dir === "asc" ? 1 : -1;
  const byName = (a: T, b: T) => a.name.localeCompare(b.name, "en");
  const value = (row: T): number | null =>
    sort === "used" ? row.timeUsedMs : sort === "launches" ? row.launches : sort === "failures" ? row.failures : sort === "ready" ? row.medianMsToReady : 0;
  return [...rows].sort((a, b) => {
    if (sort === "name") return sign * byName(a, b);
    const [x, y] = [value(a), value(b)];
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return sign * (x - y) || byName(a, b);
  });
}

/** Someone whose environments a report counts: a member (by username) or a group sharing a group template's environments. */
export interface UsageOwner {
  kind: UsageOwnerKind;
  /** The username, or the group's owner key. */
  name: string;
  displayName: string | null;
}

/** An owner key of a template's environments that a report counts, and whose row it counts in (`${kind}:${name}`). */
export interface UsagePair {
  templateId: string;
  ownerKey: string;
  owner: string;
}

/** The row id of an owner. */
export const usageOwnerId = (owner: UsageOwner) => `${owner.kind}:${owner.name}`;

/**
 * Whose environments of which template a class's report counts, with the owner key each has, as the class
 * view finds them (lib/domain/class-view.ts): a template owned by the username or the email counts under the
 * student; one owned by groups has one environment per first group, shared, counted under the group and under
 * no student. A template owned by another claim is not counted: the portal does not store that claim, so its
 * environments cannot be told apart by owner. Every member is listed, groups only when they own something.
 * A (template, owner key) is counted once, under its first owner.
 */
export function usageScope(
  students: readonly { username: string; displayName: string | null; email: string | null; groups: string[] }[],
  templates: readonly { id: string; ownership: Ownership }[],
): { owners: UsageOwner[]; pairs: UsagePair[] } {
  const members = [...students].sort((a, b) => a.username.localeCompare(b.username, "en") || (a.username < b.username ? -1 : 1));
  const owners: UsageOwner[] = members.map((m) => ({ kind: "student", name: m.username, displayName: m.displayName }));
  const groups = new Map<string, UsageOwner>();
  const pairs = new Map<string, UsagePair>();
  for (const template of templates) {
    for (const member of members) {
      const value = template.ownership === "user" ? member.username : template.ownership === "email" ? member.email : template.ownership === "group" ? member.groups[0] : null;
      const ownerKey = value ? toOwnerKey(value) : null;
      if (!ownerKey || pairs.has(`${template.id} ${ownerKey}`)) continue;
      let owner: UsageOwner = { kind: "student", name: member.username, displayName: member.displayName };
      if (template.ownership === "group") {
        owner = groups.get(ownerKey) ?? { kind: "group", name: ownerKey, displayName: value === ownerKey ? null : value! };
        groups.set(ownerKey, owner);
      }
      pairs.set(`${template.id} ${ownerKey}`, { templateId: template.id, ownerKey, owner: usageOwnerId(owner) });
    }
  }
  return { owners: [...owners, ...[...groups.values()].sort((a, b) => a.name.localeCompare(b.name, "en"))], pairs: [...pairs.values()] };
}
