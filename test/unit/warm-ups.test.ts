import { describe, expect, it } from "vitest";
import {
  capacityProblem,
  formatSpan,
  instantOf,
  isTimeZone,
  lastEndOf,
  leadTimeMs,
  LEAD_TIME,
  occurrencesOf,
  parseLocalDate,
  parseLocalDateTime,
  peakDemand,
  percentile,
  timingOf,
  wallClockAt,
  warmUpDemand,
  warmUpInputSchema,
  warmUpStateOf,
  type WarmUpTiming,
} from "@/lib/domain/warm-ups";

const at = (iso: string) => new Date(iso);
const MIN = 60_000;

describe("local wall-clock times in a zone", () => {
  it("turns a Paris wall clock into the right instant in winter and in summer", () => {
    expect(instantOf(parseLocalDateTime("2027-01-11T09:00")!, "Europe/Paris").toISOString()).toBe("2027-01-11T08:00:00.000Z");
    expect(instantOf(parseLocalDateTime("2027-07-12T09:00")!, "Europe/Paris").toISOString()).toBe("2027-07-12T07:00:00.000Z");
    expect(instantOf(parseLocalDateTime("2027-07-12T09:00")!, "America/New_York").toISOString()).toBe("2027-07-12T13:00:00.000Z");
    expect(instantOf(parseLocalDateTime("2027-07-12T09:00")!, "UTC").toISOString()).toBe("2027-07-12T09:00:00.000Z");
  });

  it("reads a time the clock skips as an hour later, and a time it shows twice as its first showing", () => {
    // Paris springs forward on 2027-03-28 at 02:00 → 03:00, falls back on 2027-10-31 at 03:00 → 02:00.
    expect(instantOf(parseLocalDateTime("2027-03-28T02:30")!, "Europe/Paris").toISOString()).toBe("2027-03-28T01:30:00.000Z");
    expect(instantOf(parseLocalDateTime("2027-10-31T02:30")!, "Europe/Paris").toISOString()).toBe("2027-10-31T00:30:00.000Z");
  });

  it("round-trips through wallClockAt", () => {
    const wall = parseLocalDateTime("2027-11-07T08:15")!;
    expect(wallClockAt(instantOf(wall, "America/New_York"), "America/New_York")).toEqual(wall);
  });

  it("knows real zones and refuses made-up ones", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("America/New_York")).toBe(true);
    for (const bad of ["Mars/Olympus", "", "Europe/Paris'; DROP TABLE warm_ups;--", "x".repeat(65), 42, null]) expect(isTimeZone(bad)).toBe(false);
  });

  it("refuses dates and times that do not exist", () => {
    for (const bad of ["2027-02-30T09:00", "2027-01-01T24:00", "2027-01-01T09:60", "2027-01-01 09:00", "09:00", "2027-01-01T09:00Z"]) expect(parseLocalDateTime(bad)).toBeNull();
    expect(parseLocalDate("2027-02-29")).toBeNull();
    expect(parseLocalDate("2028-02-29")?.toISOString()).toBe("2028-02-29T00:00:00.000Z");
  });
});

describe("weekly warm-ups", () => {
  const timing = (zone: string, start: string, end: string, until: string): WarmUpTiming => ({
    startsAt: instantOf(parseLocalDateTime(start)!, zone),
    endsAt: instantOf(parseLocalDateTime(end)!, zone),
    timeZone: zone,
    weeklyUntil: parseLocalDate(until),
  });

  it("keeps the local wall-clock time across the European daylight-saving change", () => {
    const occ = occurrencesOf(timing("Europe/Paris", "2027-03-15T09:00", "2027-03-15T10:30", "2027-04-05"));
    expect(occ.map((o) => o.startsAt.toISOString())).toEqual(["2027-03-15T08:00:00.000Z", "2027-03-22T08:00:00.000Z", "2027-03-29T07:00:00.000Z", "2027-04-05T07:00:00.000Z"]);
    expect(occ.map((o) => wallClockAt(o.endsAt, "Europe/Paris"))).toEqual(occ.map((o) => ({ ...wallClockAt(o.startsAt, "Europe/Paris"), hour: 10, minute: 30 })));
  });

  it("keeps the local wall-clock time across the US change, which comes on another weekend", () => {
    const occ = occurrencesOf(timing("America/New_York", "2027-10-25T08:00", "2027-10-25T09:00", "2027-11-08"));
    expect(occ.map((o) => o.startsAt.toISOString())).toEqual(["2027-10-25T12:00:00.000Z", "2027-11-01T12:00:00.000Z", "2027-11-08T13:00:00.000Z"]);
    expect(occ.every((o) => wallClockAt(o.startsAt, "America/New_York").hour === 8)).toBe(true);
  });

  it("lets an occurrence run past midnight, and ends on the last date", () => {
    const t = timing("UTC", "2027-01-04T23:00", "2027-01-05T01:00", "2027-01-18");
    expect(occurrencesOf(t).map((o) => [o.startsAt.toISOString(), o.endsAt.toISOString()])).toEqual([
      ["2027-01-04T23:00:00.000Z", "2027-01-05T01:00:00.000Z"],
      ["2027-01-11T23:00:00.000Z", "2027-01-12T01:00:00.000Z"],
      ["2027-01-18T23:00:00.000Z", "2027-01-19T01:00:00.000Z"],
    ]);
    expect(lastEndOf(t).toISOString()).toBe("2027-01-19T01:00:00.000Z");
    expect(occurrencesOf({ ...t, weeklyUntil: null })).toHaveLength(1);
  });
});

describe("the booking form's rules", () => {
  const now = at("2027-01-10T12:00:00Z");
  const good = { template: "lab", startsAt: "2027-01-11T09:00", endsAt: "2027-01-11T10:00", timeZone: "Europe/Paris" };

  it("stores instants and the zone", () => {
    const result = timingOf(good, now);
    expect(result).toEqual({ timing: { startsAt: at("2027-01-11T08:00:00Z"), endsAt: at("2027-01-11T09:00:00Z"), timeZone: "Europe/Paris", weeklyUntil: null } });
  });

  it("refuses an end before or at the start, a start in the past, a day-long class and a bad last date, each at its field", () => {
    expect(timingOf({ ...good, endsAt: "2027-01-11T08:00" }, now)).toEqual({ fields: { endsAt: ["The end must be after the start."] } });
    expect(timingOf({ ...good, endsAt: good.startsAt }, now)).toEqual({ fields: { endsAt: ["The end must be after the start."] } });
    expect(timingOf({ ...good, startsAt: "2027-01-10T12:00", endsAt: "2027-01-10T14:00" }, now)).toMatchObject({ fields: { startsAt: [expect.stringContaining("past")] } });
    expect(timingOf({ ...good, endsAt: "2027-01-12T09:01" }, now)).toMatchObject({ fields: { endsAt: [expect.stringContaining("24 hours")] } });
    expect(timingOf({ ...good, weeklyUntil: "2027-01-10" }, now)).toMatchObject({ fields: { weeklyUntil: [expect.stringContaining("before")] } });
    expect(timingOf({ ...good, weeklyUntil: "2028-06-01" }, now)).toMatchObject({ fields: { weeklyUntil: [expect.stringContaining("366")] } });
  });

  it("checks sizes, zones and missing fields with a message per field", () => {
    const problems = (input: unknown) => {
      const parsed = warmUpInputSchema.safeParse(input);
      return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
    };
    expect(problems({ ...good, size: 30 })).toEqual({});
    expect(problems({ ...good, size: 0 })).toEqual({ size: "Book at least 1 environment." });
    expect(problems({ ...good, size: -3 })).toEqual({ size: "Book at least 1 environment." });
    expect(problems({ ...good, size: 100_000 })).toEqual({ size: "Book at most 1000 environments." });
    expect(problems({ ...good, size: 2.5 })).toEqual({ size: "Enter a whole number of environments." });
    expect(problems({ ...good, timeZone: "Nowhere/Land" })).toEqual({ timeZone: expect.stringContaining("IANA") });
    expect(problems({ ...good, startsAt: "'; DROP TABLE warm_ups; --" })).toEqual({ startsAt: expect.stringContaining("YYYY") });
    expect(Object.keys(problems({}))).toEqual(["template", "startsAt", "endsAt", "timeZone"]);
    expect(problems({ ...good, colour: "blue" })).not.toEqual({});
  });
});

describe("capacity next to other warm-ups", () => {
  const t = (start: string, end: string): WarmUpTiming => ({ startsAt: at(start), endsAt: at(end), timeZone: "UTC", weeklyUntil: null });

  it("takes the busiest moment, not the sum of everything that touches the time", () => {
    const others = [
      { startsAt: at("2027-01-11T09:00Z"), endsAt: at("2027-01-11T10:00Z"), size: 20 },
      { startsAt: at("2027-01-11T10:00Z"), endsAt: at("2027-01-11T11:00Z"), size: 30 },
    ];
    expect(peakDemand(others, at("2027-01-11T08:00Z"), at("2027-01-11T12:00Z"))).toBe(30);
    expect(peakDemand(others, at("2027-01-11T09:30Z"), at("2027-01-11T10:00Z"))).toBe(20);
    expect(peakDemand(others, at("2027-01-11T11:00Z"), at("2027-01-11T12:00Z"))).toBe(0);
  });

  it("refuses a booking past maxSize less the base size and overlapping warm-ups, and says how much is free", () => {
    const others = [{ timing: t("2027-01-11T09:00Z", "2027-01-11T10:00Z"), size: 30 }];
    const booking = { timing: t("2027-01-11T09:30Z", "2027-01-11T10:30Z"), size: 40 };
    expect(capacityProblem(booking, others, { size: 5, maxSize: 75 })).toBeNull();
    expect(capacityProblem({ ...booking, size: 41 }, others, { size: 5, maxSize: 75 })).toEqual({ free: 40, at: booking.timing.startsAt });
    expect(capacityProblem({ ...booking, size: 1000 }, others, { size: 5, maxSize: 0 })).toBeNull();
    expect(capacityProblem({ timing: t("2027-01-11T10:00Z", "2027-01-11T11:00Z"), size: 70 }, others, { size: 5, maxSize: 75 })).toBeNull();
  });

  it("checks every occurrence of a weekly booking", () => {
    const others = [{ timing: t("2027-01-18T09:00Z", "2027-01-18T10:00Z"), size: 10 }];
    const weekly = { timing: { ...t("2027-01-11T09:00Z", "2027-01-11T10:00Z"), weeklyUntil: parseLocalDate("2027-01-25") }, size: 15 };
    expect(capacityProblem(weekly, others, { size: 0, maxSize: 20 })).toEqual({ free: 10, at: at("2027-01-18T09:00Z") });
  });
});

describe("the lead time", () => {
  it("is the 90th percentile of recent times to Available, times 1.5, at least two minutes", () => {
    expect(percentile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    const minutes = [3, 3, 3, 3, 3, 3, 3, 3, 10, 10].map((m) => m * MIN);
    expect(leadTimeMs(minutes)).toBe(15 * MIN);
    expect(leadTimeMs([10_000, 20_000, 15_000])).toBe(LEAD_TIME.minMs);
    expect(leadTimeMs([])).toBe(LEAD_TIME.defaultMs);
    expect(leadTimeMs([Number.NaN, -5])).toBe(LEAD_TIME.defaultMs);
    expect(leadTimeMs([48 * 3600_000])).toBe(LEAD_TIME.maxMs);
  });

  it("looks at 20 samples at most (the most recent come first)", () => {
    expect(leadTimeMs([...Array(20).fill(3 * MIN), ...Array(20).fill(60 * MIN)])).toBe(4.5 * MIN);
  });
});

describe("what warm-ups add to a pool", () => {
  const booking = { id: "w1", size: 30, timing: { startsAt: at("2027-01-11T09:00Z"), endsAt: at("2027-01-11T10:00Z"), timeZone: "UTC", weeklyUntil: null } };
  const lead = 10 * MIN;

  it("adds nothing before the lead time and says when to look again", () => {
    expect(warmUpDemand([booking], at("2027-01-11T08:00Z"), lead)).toEqual({ extra: 0, due: [], nextChangeAt: at("2027-01-11T08:50Z") });
  });

  it("adds the size from the lead time to the end, less what the class claimed, then nothing", () => {
    expect(warmUpDemand([booking], at("2027-01-11T08:50Z"), lead)).toEqual({ extra: 30, due: ["w1"], nextChangeAt: at("2027-01-11T10:00Z") });
    expect(warmUpDemand([{ ...booking, claimed: 24 }], at("2027-01-11T09:05Z"), lead).extra).toBe(6);
    expect(warmUpDemand([{ ...booking, claimed: 31 }], at("2027-01-11T09:05Z"), lead).extra).toBe(0);
    expect(warmUpDemand([booking], at("2027-01-11T10:00Z"), lead)).toEqual({ extra: 0, due: [], nextChangeAt: null });
  });

  it("sums overlapping bookings and finds a weekly booking's next week", () => {
    const weekly = { ...booking, id: "w2", size: 5, timing: { ...booking.timing, weeklyUntil: parseLocalDate("2027-01-18") } };
    expect(warmUpDemand([booking, weekly], at("2027-01-11T09:30Z"), lead).extra).toBe(35);
    expect(warmUpDemand([booking, weekly], at("2027-01-12T00:00Z"), lead)).toEqual({ extra: 0, due: [], nextChangeAt: at("2027-01-18T08:50Z") });
  });
});

describe("the state a teacher sees", () => {
  const booking = { size: 30, cancelledAt: null, timing: { startsAt: at("2027-01-11T09:00Z"), endsAt: at("2027-01-11T10:00Z"), timeZone: "UTC", weeklyUntil: null } };
  const pool = { leadMs: 10 * MIN, ready: 0, readySince: null, claimed: 0 };

  it("goes scheduled → warming → ready → in class → over", () => {
    expect(warmUpStateOf(booking, at("2027-01-11T08:00Z"), pool)).toMatchObject({ kind: "scheduled", warmsAt: at("2027-01-11T08:50Z") });
    expect(warmUpStateOf(booking, at("2027-01-11T08:52Z"), { ...pool, ready: 12 })).toMatchObject({ kind: "warming", ready: 12, size: 30 });
    expect(warmUpStateOf(booking, at("2027-01-11T08:56Z"), { ...pool, ready: 33, readySince: at("2027-01-11T08:55Z") })).toMatchObject({ kind: "ready", ready: 30, readySince: at("2027-01-11T08:55Z") });
    expect(warmUpStateOf(booking, at("2027-01-11T09:10Z"), { ...pool, ready: 6, claimed: 24 })).toMatchObject({ kind: "in-class", claimed: 24 });
    expect(warmUpStateOf(booking, at("2027-01-11T10:00Z"), pool)).toEqual({ kind: "over" });
    expect(warmUpStateOf({ ...booking, cancelledAt: at("2027-01-10T00:00Z") }, at("2027-01-11T08:00Z"), pool)).toEqual({ kind: "cancelled" });
  });

  it("says spans briefly", () => {
    expect([formatSpan(40_000), formatSpan(5 * MIN), formatSpan(125 * MIN), formatSpan(120 * MIN), formatSpan(72 * 3600_000)]).toEqual(["40 s", "5 min", "2 h 5 min", "2 h", "3 days"]);
  });
});
