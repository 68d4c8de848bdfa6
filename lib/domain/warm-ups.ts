import { z } from "zod";

/**
 * Warm-ups (docs/architecture.md, "Warm-ups"): a booking of N warm instances of a pool template for a class,
 * from a start to an end time, once or weekly until a last date. Pure rules: the booking form's checks, local
 * wall-clock times in an IANA zone turned into instants (a weekly booking keeps its local time across a
 * daylight-saving change), the occurrences of a booking, the pool's lead time learned from how long its
 * members took to become Available, how many members the warm-ups add to a pool now and when that changes
 * next, and the state a teacher sees.
 */

export const MAX_WARM_UP_SIZE = 1000;
/** A single occurrence lasts at most this long. */
export const MAX_WARM_UP_HOURS = 24;
/** A weekly warm-up runs for at most this many days after its first date. */
export const MAX_WEEKLY_DAYS = 366;

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `zone` is an IANA time zone this runtime knows ("Europe/Paris", "UTC"). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== "string" || zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A local wall-clock time: what a clock on the wall in some zone shows. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** What the wall clock in `zone` shows at `instant` (seconds dropped). */
export function wallClockAt(instant: Date, zone: string): WallClock {
  const parts = Object.fromEntries(formatterFor(zone).formatToParts(instant).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour) % 24, minute: Number(parts.minute) };
}

/** The zone's offset from UTC at `instant`, in minutes (Paris in summer: 120). */
function offsetMinutes(instant: Date, zone: string): number {
  const wall = wallClockAt(instant, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The instant at which the wall clock in `zone` shows `wall`. A time the clock skips (the spring-forward hour)
 * is read with the offset before the change, landing as much later as the skip; a time it shows twice (the
 * fall-back hour) is the first of the two.
 */
export function instantOf(wall: WallClock, zone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const before = offsetMinutes(new Date(asUtc - 24 * 3600_000), zone);
  const after = offsetMinutes(new Date(asUtc + 24 * 3600_000), zone);
  // Try the earlier offset first, so an hour shown twice resolves to its first showing.
  for (const offset of before >= after ? [before, after] : [after, before]) {
    const candidate = new Date(asUtc - offset * 60_000);
    if (offsetMinutes(candidate, zone) === offset) return candidate;
  }
  return new Date(asUtc - before * 60_000);
}

/** "2026-03-29T09:00" → a wall clock, or null when it is not a real date and time. */
export function parseLocalDateTime(text: string): WallClock | null {
  const match = LOCAL_DATE_TIME.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || year < 2000 || year > 2200) return null;
  return { year, month, day, hour, minute };
}

/** "2026-06-30" → the date as a UTC midnight, or null. */
export function parseLocalDate(text: string): Date | null {
  const match = LOCAL_DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || year < 2000 || year > 2200) return null;
  return date;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A wall clock as the form shows it: "2026-03-29T09:00". */
export function formatLocalDateTime(wall: WallClock): string {
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** A date (UTC midnight) as "2026-06-30". */
export function formatLocalDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(wall: WallClock, days: number): WallClock {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** The timing of a booking, as stored. */
export interface WarmUpTiming {
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  /** The last local date of a weekly booking (a UTC midnight), or null for a single one. */
  weeklyUntil: Date | null;
}

export interface Occurrence {
  /** 0 for the first, 1 for a week later, … */
  index: number;
  startsAt: Date;
  endsAt: Date;
}

/** At most this many occurrences are ever computed for one booking (a year of weeks, and a margin). */
const MAX_OCCURRENCES = 60;

/**
 * Every occurrence of a booking, first to last: the first as stored, then each week on the same weekday at the
 * same local wall-clock start and end in its zone, up to its last date.
 */
export function occurrencesOf(timing: WarmUpTiming): Occurrence[] {
  const first: Occurrence = { index: 0, startsAt: timing.startsAt, endsAt: timing.endsAt };
  if (!timing.weeklyUntil) return [first];
  const start = wallClockAt(timing.startsAt, timing.timeZone);
  const end = wallClockAt(timing.endsAt, timing.timeZone);
  const lastDay = timing.weeklyUntil.getTime();
  const all = [first];
  for (let week = 1; week < MAX_OCCURRENCES; week++) {
    const s = addDays(start, 7 * week);
    if (Date.UTC(s.year, s.month - 1, s.day) > lastDay) break;
    all.push({ index: week, startsAt: instantOf(s, timing.timeZone), endsAt: instantOf(addDays(end, 7 * week), timing.timeZone) });
  }
  return all;
}

/** The end of a booking's last occurrence. */
export function lastEndOf(timing: WarmUpTiming): Date {
  return occurrencesOf(timing).at(-1)!.endsAt;
}

/** The occurrence running at `now`, else the next one, else null (the booking is over). */
export function currentOccurrence(timing: WarmUpTiming, now: Date): Occurrence | null {
  return occurrencesOf(timing).find((o) => o.endsAt.getTime() > now.getTime()) ?? null;
}

// --- The booking form ---------------------------------------------------------------------------------------

const text = (what: string) => z.string({ error: `Enter ${what}.` });

/** A booking as the form and the API send it: local wall-clock times in the zone the browser reported. */
export const warmUpInputSchema = z.strictObject({
  template: text("a template").trim().min(1, "Choose a template.").max(63, "Choose a template from the list."),
  /** Omitted: the class's roster size. */
  size: z
    .number({ error: "Enter a number of environments." })
    .int("Enter a whole number of environments.")
    .min(1, "Book at least 1 environment.")
    .max(MAX_WARM_UP_SIZE, `Book at most ${MAX_WARM_UP_SIZE} environments.`)
    .optional(),
  startsAt: text("a start").refine((v) => parseLocalDateTime(v) !== null, "Enter a start date and time (YYYY-MM-DDTHH:MM)."),
  endsAt: text("an end").refine((v) => parseLocalDateTime(v) !== null, "Enter an end date and time (YYYY-MM-DDTHH:MM)."),
  timeZone: text("a time zone").refine(isTimeZone, "Unknown time zone: use an IANA name such as Europe/Paris."),
  weeklyUntil: z
    .string({ error: "Enter the last date (YYYY-MM-DD) or leave it out." })
    .refine((v) => parseLocalDate(v) !== null, "Enter the last date (YYYY-MM-DD).")
    .nullable()
    .optional(),
});
export type WarmUpInput = z.infer<typeof warmUpInputSchema>;

/** A change: any of the booking's fields but the template. Times are re-checked together as a whole. */
export const warmUpChangeSchema = warmUpInputSchema.omit({ template: true }).partial();
export type WarmUpChange = z.infer<typeof warmUpChangeSchema>;

/**
 * The timing a booking asks for, or the problem with each field: an end not after its start, a start in the
 * past, an occurrence longer than a day, a last date before the first or more than a year after it.
 */
export function timingOf(input: { startsAt: string; endsAt: string; timeZone: string; weeklyUntil?: string | null }, now: Date): { timing: WarmUpTiming } | { fields: Record<string, string[]> } {
  const start = instantOf(parseLocalDateTime(input.startsAt)!, input.timeZone);
  const end = instantOf(parseLocalDateTime(input.endsAt)!, input.timeZone);
  const fields: Record<string, string[]> = {};
  if (end.getTime() <= start.getTime()) fields.endsAt = ["The end must be after the start."];
  else if (end.getTime() - start.getTime() > MAX_WARM_UP_HOURS * 3600_000) fields.endsAt = [`A warm-up lasts at most ${MAX_WARM_UP_HOURS} hours.`];
  if (start.getTime() <= now.getTime()) fields.startsAt = ["The start is in the past: choose a later time."];
  let weeklyUntil: Date | null = null;
  if (input.weeklyUntil) {
    weeklyUntil = parseLocalDate(input.weeklyUntil)!;
    const first = parseLocalDateTime(input.startsAt)!;
    const firstDay = Date.UTC(first.year, first.month - 1, first.day);
    if (weeklyUntil.getTime() < firstDay) fields.weeklyUntil = ["The last date must not be before the first."];
    else if (weeklyUntil.getTime() - firstDay > MAX_WEEKLY_DAYS * 86_400_000) fields.weeklyUntil = [`A weekly warm-up runs for at most ${MAX_WEEKLY_DAYS} days.`];
  }
  if (Object.keys(fields).length > 0) return { fields };
  return { timing: { startsAt: start, endsAt: end, timeZone: input.timeZone, weeklyUntil } };
}

// --- Capacity ------------------------------------------------------------------------------------------------

export interface Interval {
  startsAt: Date;
  endsAt: Date;
  size: number;
}

/** The most environments the intervals ask for at any one moment within [from, to). */
export function peakDemand(intervals: Interval[], from: Date, to: Date): number {
  const edges: [number, number][] = [];
  for (const i of intervals) {
    const s = Math.max(i.startsAt.getTime(), from.getTime());
    const e = Math.min(i.endsAt.getTime(), to.getTime());
    if (s < e) edges.push([s, i.size], [e, -i.size]);
  }
  // Ends before starts at the same instant: back-to-back bookings do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    now += delta;
    peak = Math.max(peak, now);
  }
  return peak;
}

/**
 * How many environments a new booking may still ask for next to the others of the same template: maxSize less
 * the base size and the busiest moment of the other bookings during any of its occurrences (Infinity when
 * maxSize is 0, no cap). Null when it fits; otherwise the room left and the occurrence that lacks it.
 */
export function capacityProblem(
  booking: { timing: WarmUpTiming; size: number },
  others: { timing: WarmUpTiming; size: number }[],
  pool: { size: number; maxSize: number },
): { free: number; at: Date } | null {
  if (pool.maxSize <= 0) return null;
  const busy: Interval[] = others.flatMap((o) => occurrencesOf(o.timing).map((occ) => ({ ...occ, size: o.size })));
  for (const occ of occurrencesOf(booking.timing)) {
    const free = Math.max(0, pool.maxSize - pool.size - peakDemand(busy, occ.startsAt, occ.endsAt));
    if (booking.size > free) return { free, at: occ.startsAt };
  }
  return null;
}

// --- Lead time ---------------------------------------------------------------------------------------------

export const LEAD_TIME = {
  /** How many of a pool's most recent members are looked at. */
  samples: 20,
  percentile: 0.9,
  margin: 1.5,
  minMs: 2 * 60_000,
  maxMs: 2 * 3600_000,
  /** Without a member that ever became Available: a guess, generous for a chart that installs in a minute or two. */
  defaultMs: 5 * 60_000,
} as const;

/** The `p` quantile (0..1) of the values, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * How long before a warm-up's start its pool starts growing: a high percentile of how long recent members took
 * from creation to Available, times a margin, at least two minutes (and at most two hours, so one stuck member
 * does not warm a pool half a day early). Durations that are not positive numbers are ignored.
 */
export function leadTimeMs(readyDurationsMs: number[]): number {
  const usable = readyDurationsMs.filter((ms) => Number.isFinite(ms) && ms >= 0).slice(0, LEAD_TIME.samples);
  if (usable.length === 0) return LEAD_TIME.defaultMs;
  const lead = Math.ceil(percentile(usable, LEAD_TIME.percentile) * LEAD_TIME.margin);
  return Math.min(LEAD_TIME.maxMs, Math.max(LEAD_TIME.minMs, lead));
}

// --- What warm-ups add to a pool ---------------------------------------------------------------------------

/** A booking as the pool controller sees it: its timing, its size and how many of it were claimed already. */
export interface BookedWarmUp {
  id: string;
  size: number;
  timing: WarmUpTiming;
  /** Members its class claimed during the occurrence that is due now (they no longer need to be kept warm). */
  claimed?: number;
}

export interface WarmUpDemand {
  /** Unclaimed members the due warm-ups add to the pool's base size. */
  extra: number;
  /** The ids of the warm-ups due now. */
  due: string[];
  /** The next instant at which this changes with no other event (an occurrence enters its lead time or ends); null for none. */
  nextChangeAt: Date | null;
}

/**
 * What the warm-ups of one template add to its pool at `now`: every occurrence due (from its start less the lead
 * time to its end) adds its size less what its class claimed meanwhile. Also says when to look again.
 */
export function warmUpDemand(bookings: BookedWarmUp[], now: Date, leadMs: number): WarmUpDemand {
  const t = now.getTime();
  let extra = 0;
  const due: string[] = [];
  let next = Number.POSITIVE_INFINITY;
  for (const booking of bookings) {
    for (const occ of occurrencesOf(booking.timing)) {
      const from = occ.startsAt.getTime() - leadMs;
      const to = occ.endsAt.getTime();
      if (to <= t) continue;
      if (from <= t) {
        extra += Math.max(0, booking.size - (booking.claimed ?? 0));
        due.push(booking.id);
        next = Math.min(next, to);
      } else {
        next = Math.min(next, from);
      }
      break;
    }
  }
  return { extra, due, nextChangeAt: Number.isFinite(next) ? new Date(next) : null };
}

// --- What a teacher sees --------------------------------------------------------------------------------------

export type WarmUpState =
  | { kind: "cancelled" }
  | { kind: "over" }
  | { kind: "scheduled"; startsAt: Date; warmsAt: Date }
  | { kind: "warming"; ready: number; size: number; startsAt: Date }
  | { kind: "ready"; ready: number; size: number; readySince: Date | null; startsAt: Date }
  | { kind: "in-class"; claimed: number; ready: number; size: number; endsAt: Date };

/**
 * The state of a booking at `now`: scheduled until its occurrence enters the lead time, then warming until the
 * pool holds its size ready, ready until the start, in class until the end, and over after its last occurrence.
 * `ready` is how many Available members count towards it; `claimed` what its class claimed in this occurrence.
 */
export function warmUpStateOf(
  booking: { size: number; timing: WarmUpTiming; cancelledAt: Date | null },
  now: Date,
  pool: { leadMs: number; ready: number; readySince: Date | null; claimed: number },
): WarmUpState {
  if (booking.cancelledAt) return { kind: "cancelled" };
  const occ = currentOccurrence(booking.timing, now);
  if (!occ) return { kind: "over" };
  const ready = Math.min(booking.size, pool.ready);
  if (now.getTime() >= occ.startsAt.getTime()) return { kind: "in-class", claimed: pool.claimed, ready, size: booking.size, endsAt: occ.endsAt };
  const warmsAt = new Date(occ.startsAt.getTime() - pool.leadMs);
  if (now.getTime() < warmsAt.getTime()) return { kind: "scheduled", startsAt: occ.startsAt, warmsAt };
  if (ready >= booking.size) return { kind: "ready", ready, size: booking.size, readySince: pool.readySince, startsAt: occ.startsAt };
  return { kind: "warming", ready, size: booking.size, startsAt: occ.startsAt };
}

/** "in 2 h 5 min", "in 40 s": a short span for "starts in …". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  return `${Math.round(h / 24)} days`;
}
