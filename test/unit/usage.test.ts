import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  clippedMs,
  daysBetween,
  formatDuration,
  formatWait,
  median,
  parseUsageRange,
  parseUsageSort,
  sortUsageRows,
  startOfDay,
  USAGE_SORTS,
  USAGE_CSV_HEADER,
  usageCsvRow,
  usageFigures,
  usageOwnerId,
  usageScope,
  type UsageSpan,
} from "@/lib/domain/usage";

const NOW = new Date("2026-11-29T21:30:00Z");

describe("parseUsageRange", () => {
  it("defaults to the last 30 days, today included, in UTC", () => {
    const { range, errors } = parseUsageRange({}, NOW);
    expect(errors).toBeNull();
    expect(range).toMatchObject({ fromDate: "2026-10-31", toDate: "2026-11-29", timeZone: "UTC" });
    expect(range!.from.toISOString()).toBe("2026-10-31T00:00:00.000Z");
    expect(range!.to.toISOString()).toBe("2026-11-30T00:00:00.000Z");
  });

  it("reads today in the given time zone: late evening in UTC is tomorrow in Auckland", () => {
    const { range } = parseUsageRange({ tz: "Pacific/Auckland" }, NOW);
    expect(range!.toDate).toBe("2026-11-30");
    // Auckland is on daylight time (UTC+13) in November.
    expect(range!.to.toISOString()).toBe("2026-11-30T11:00:00.000Z");
  });

  it("makes days of 23 and 25 hours where the clocks change", () => {
    const spring = parseUsageRange({ from: "2026-03-29", to: "2026-03-29", tz: "Europe/Paris" }, NOW).range!;
    expect(spring.from.toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(spring.to.getTime() - spring.from.getTime()).toBe(23 * 3_600_000);
    const autumn = parseUsageRange({ from: "2026-10-25", to: "2026-10-25", tz: "Europe/Paris" }, NOW).range!;
    expect(autumn.to.getTime() - autumn.from.getTime()).toBe(25 * 3_600_000);
  });

  it("starts a day whose midnight is skipped at the first time that exists", () => {
    // Santiago moved its clocks from 00:00 to 01:00 on 2026-09-06.
    const day = startOfDay("2026-09-06", "America/Santiago");
    expect(day.toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });

  it("takes a start alone up to today, and an end alone back 29 days", () => {
    expect(parseUsageRange({ from: "2026-11-01" }, NOW).range).toMatchObject({ fromDate: "2026-11-01", toDate: "2026-11-29" });
    expect(parseUsageRange({ to: "2026-06-30" }, NOW).range).toMatchObject({ fromDate: "2026-06-01", toDate: "2026-06-30" });
  });

  it.each([
    [{ from: "2026-11-10", to: "2026-11-01" }, "to", "Must be on or after the start."],
    [{ from: "2025-01-01", to: "2026-11-01" }, "from", "A report covers at most 366 days."],
    [{ from: "2026-12-24" }, "from", "Must be today or earlier, or give an end too."],
    [{ from: "2026-02-30" }, "from", "A date as YYYY-MM-DD, from the year 2000."],
    [{ to: "29/11/2026" }, "to", "A date as YYYY-MM-DD, from the year 2000."],
    [{ from: "1999-12-31" }, "from", "A date as YYYY-MM-DD, from the year 2000."],
    [{ from: "99999999999-01-01" }, "from", "A date as YYYY-MM-DD, from the year 2000."],
    [{ from: "2026-11-01'; DROP TABLE instances; --" }, "from", "A date as YYYY-MM-DD, from the year 2000."],
    [{ to: "２０２６-１１-０１" }, "to", "A date as YYYY-MM-DD, from the year 2000."],
    [{ tz: "Mars/Olympus_Mons" }, "tz", "Not a time zone: use an IANA name such as Europe/Paris or UTC."],
    [{ tz: "Europe/Paris<script>" }, "tz", "Not a time zone: use an IANA name such as Europe/Paris or UTC."],
    [{ tz: "../../etc/passwd" }, "tz", "Not a time zone: use an IANA name such as Europe/Paris or UTC."],
    [{ tz: "Ünïcødé/Zone" }, "tz", "Not a time zone: use an IANA name such as Europe/Paris or UTC."],
  ])("refuses %j at %s", (params, field, message) => {
    const { range, errors } = parseUsageRange(params, NOW);
    expect(range).toBeNull();
    expect(errors).toEqual({ [field]: [message] });
  });

  it("accepts exactly 366 days and refuses 367", () => {
    expect(parseUsageRange({ from: "2025-11-29", to: "2026-11-29" }, NOW).errors).toBeNull();
    expect(parseUsageRange({ from: "2025-11-28", to: "2026-11-29" }, NOW).errors).toEqual({ from: ["A report covers at most 366 days."] });
  });

  it("names every wrong parameter at once", () => {
    expect(parseUsageRange({ from: "x", to: "y", tz: "z" }, NOW).errors).toEqual({
      from: ["A date as YYYY-MM-DD, from the year 2000."],
      to: ["A date as YYYY-MM-DD, from the year 2000."],
      tz: ["Not a time zone: use an IANA name such as Europe/Paris or UTC."],
    });
  });

  it("any valid pair of dates in any zone gives a range that starts before it ends and spans its days", () => {
    const zones = ["UTC", "Europe/Paris", "America/New_York", "Pacific/Auckland", "Asia/Kolkata", "America/Santiago", "Australia/Lord_Howe"];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 365 }), fc.constantFrom(...zones), (offset, span, tz) => {
        const from = addDays("2020-01-01", offset);
        const to = addDays(from, span);
        const { range } = parseUsageRange({ from, to, tz }, NOW);
        expect(range).not.toBeNull();
        const hours = (range!.to.getTime() - range!.from.getTime()) / 3_600_000;
        expect(hours).toBeGreaterThanOrEqual(daysBetween(from, to) * 24 - 2);
        expect(hours).toBeLessThanOrEqual(daysBetween(from, to) * 24 + 2);
      }),
    );
  });
});

describe("clippedMs", () => {
  const range = { from: new Date("2026-10-01T00:00:00Z"), to: new Date("2026-10-11T00:00:00Z") };
  const at = (iso: string) => new Date(iso);

  it("clips a span at both edges and counts an open one up to now or the range's end", () => {
    expect(clippedMs({ start: at("2026-09-30T22:00:00Z"), end: at("2026-10-01T02:00:00Z") }, range, NOW)).toBe(2 * 3_600_000);
    expect(clippedMs({ start: at("2026-10-10T23:00:00Z"), end: null }, range, NOW)).toBe(3_600_000);
    expect(clippedMs({ start: at("2026-10-10T23:00:00Z"), end: null }, range, at("2026-10-10T23:30:00Z"))).toBe(1_800_000);
    expect(clippedMs({ start: at("2026-09-20T00:00:00Z"), end: at("2026-09-21T00:00:00Z") }, range, NOW)).toBe(0);
  });

  it("is never negative and never more than the range or the span", () => {
    const instant = fc.integer({ min: Date.parse("2026-09-01T00:00:00Z"), max: Date.parse("2026-11-01T00:00:00Z") });
    fc.assert(
      fc.property(instant, fc.option(fc.integer({ min: 0, max: 40 * 86_400_000 })), instant, instant, fc.integer({ min: 0, max: 60 * 86_400_000 }), (start, length, from, now, width) => {
        const span = { start: new Date(start), end: length === null ? null : new Date(start + length) };
        const r = { from: new Date(from), to: new Date(from + width) };
        const ms = clippedMs(span, r, new Date(Math.max(now, span.end?.getTime() ?? now)));
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThanOrEqual(width);
        if (length !== null) expect(ms).toBeLessThanOrEqual(length);
      }),
    );
  });
});

describe("median", () => {
  it("is the middle value, or the mean of the middle two, and null for none", () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([240, 0, 120, 60])).toBe(90);
    expect(median([3, 1, 2])).toBe(2);
  });

  it("lies between the smallest and the largest value and ignores order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 50 }), (values) => {
        const m = median(values)!;
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
        expect(median([...values].reverse())).toBe(m);
      }),
    );
  });
});

describe("usageFigures", () => {
  const range = { from: new Date("2026-10-01T00:00:00Z"), to: new Date("2026-10-11T00:00:00Z") };
  const base = range.from.getTime();
  const spanArb = fc
    .record({
      owner: fc.constantFrom("ada", "bob", "cy"),
      template: fc.constantFrom("t1", "t2"),
      start: fc.integer({ min: -5 * 86_400_000, max: 15 * 86_400_000 }),
      length: fc.option(fc.integer({ min: 0, max: 3 * 86_400_000 })),
      ready: fc.option(fc.integer({ min: 0, max: 600_000 })),
      outcome: fc.constantFrom("ended", "failed", "returned"),
    })
    .map(
      (r): UsageSpan => ({
        ownerKey: r.owner,
        templateId: r.template,
        start: new Date(base + r.start),
        end: r.length === null ? null : new Date(base + r.start + r.length),
        readyAt: r.ready === null ? null : new Date(base + r.start + r.ready),
        outcome: r.length === null ? "running" : (r.outcome as UsageSpan["outcome"]),
        claimed: false,
      }),
    );

  it("adds up: the students' time, launches and failures sum to the class's, and so do the templates'", () => {
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 40 }), (spans) => {
        const now = new Date(base + 20 * 86_400_000);
        const total = usageFigures(spans, range, now);
        for (const key of ["ownerKey", "templateId"] as const) {
          const parts = [...new Set(spans.map((s) => s[key]))].map((value) => usageFigures(spans.filter((s) => s[key] === value), range, now));
          expect(parts.reduce((sum, p) => sum + p.timeUsedMs, 0)).toBe(total.timeUsedMs);
          expect(parts.reduce((sum, p) => sum + p.launches, 0)).toBe(total.launches);
          expect(parts.reduce((sum, p) => sum + p.failures, 0)).toBe(total.failures);
        }
        expect(total.failures).toBeLessThanOrEqual(total.launches);
      }),
    );
  });

  it("counts a failure only for a launch that was never ready", () => {
    const start = new Date(base + 3_600_000);
    const end = new Date(base + 7_200_000);
    const spans: UsageSpan[] = [
      { ownerKey: "ada", templateId: "t1", start, end, readyAt: null, outcome: "failed", claimed: false },
      { ownerKey: "ada", templateId: "t1", start, end, readyAt: new Date(base + 3_660_000), outcome: "failed", claimed: false },
    ];
    expect(usageFigures(spans, range, NOW)).toEqual({ timeUsedMs: 7_200_000, launches: 2, failures: 1, medianMsToReady: 60_000 });
  });
});

describe("CSV rows", () => {
  const range = parseUsageRange({ from: "2026-10-01", to: "2026-10-10" }, NOW).range!;
  it("writes seconds with milliseconds, and neutralises a name that looks like a formula", () => {
    expect(USAGE_CSV_HEADER).toBe('"kind","name","display_name","template","from","to","time_zone","time_used_seconds","launches","failures","median_seconds_to_ready"\r\n');
    const row = usageCsvRow({ kind: "student", name: "ada", displayName: '=HYPERLINK("http://x")', template: "", timeUsedMs: 30_600_000, launches: 4, failures: 0, medianMsToReady: 90_000 }, range);
    expect(row).toBe('"student","ada","\'=HYPERLINK(""http://x"")","","2026-10-01","2026-10-10","UTC","30600.000","4","0","90.000"\r\n');
    const none = usageCsvRow({ kind: "group", name: "lab", displayName: null, template: "a", timeUsedMs: 1, launches: 0, failures: 0, medianMsToReady: null }, range);
    expect(none).toBe('"group","lab","","a","2026-10-01","2026-10-10","UTC","0.001","0","0",""\r\n');
  });
});

describe("durations for people", () => {
  it("reads minutes, hours and days, and waits in seconds", () => {
    expect([formatDuration(0), formatDuration(30_000), formatDuration(45 * 60_000), formatDuration(8.5 * 3_600_000), formatDuration(50 * 3_600_000)]).toEqual(["0 min", "< 1 min", "45 min", "8 h 30 min", "2 d 2 h"]);
    expect([formatWait(null), formatWait(0), formatWait(42_400), formatWait(190_000)]).toEqual(["–", "0 s", "42 s", "3 min 10 s"]);
  });
});

describe("sorting a report's rows", () => {
  const row = (name: string, timeUsedMs: number, launches: number, failures: number, medianMsToReady: number | null) => ({ name, timeUsedMs, launches, failures, medianMsToReady });
  const rows = [row("cy", 10, 1, 0, null), row("ada", 30, 4, 0, 90), row("bob", 30, 3, 1, 0)];

  it("sorts by each column, ties by name, and puts rows without a median last both ways", () => {
    const names = (sort: Parameters<typeof sortUsageRows>[1], dir: "asc" | "desc") => sortUsageRows(rows, sort, dir).map((r) => r.name);
    expect(names("used", "desc")).toEqual(["ada", "bob", "cy"]);
    expect(names("used", "asc")).toEqual(["cy", "ada", "bob"]);
    expect(names("name", "desc")).toEqual(["cy", "bob", "ada"]);
    expect(names("failures", "desc")).toEqual(["bob", "ada", "cy"]);
    expect(names("ready", "asc")).toEqual(["bob", "ada", "cy"]);
    expect(names("ready", "desc")).toEqual(["ada", "bob", "cy"]);
  });

  it("reads the sort from the page's parameters, with a default for nonsense", () => {
    expect(parseUsageSort(undefined, undefined)).toEqual({ sort: "used", dir: "desc" });
    expect(parseUsageSort("name", undefined)).toEqual({ sort: "name", dir: "asc" });
    expect(parseUsageSort("ready", "asc")).toEqual({ sort: "ready", dir: "asc" });
    expect(parseUsageSort("<script>", "sideways")).toEqual({ sort: "used", dir: "desc" });
  });

  it("keeps every row, whatever the column and direction", () => {
    const arb = fc.array(fc.record({ name: fc.string(), timeUsedMs: fc.nat(), launches: fc.nat(), failures: fc.nat(), medianMsToReady: fc.option(fc.nat()) }), { maxLength: 30 });
    fc.assert(
      fc.property(arb, fc.constantFrom(...USAGE_SORTS), fc.constantFrom("asc" as const, "desc" as const), (list, sort, dir) => {
        const sorted = sortUsageRows(list, sort, dir);
        expect(sorted).toHaveLength(list.length);
        expect(new Set(sorted)).toEqual(new Set(list));
      }),
    );
  });
});

describe("a report's scope", () => {
  const students = [
    { username: "cy", displayName: null, email: null, groups: ["Lab Team", "other"] },
    { username: "ada", displayName: "Ada L.", email: "Ada@School.example", groups: [] },
    { username: "bob", displayName: null, email: null, groups: ["Lab Team"] },
  ];

  it("counts username and email templates under the student, group templates under the first group, other claims not at all", () => {
    const { owners, pairs } = usageScope(students, [
      { id: "t-user", ownership: "user" },
      { id: "t-group", ownership: "group" },
      { id: "t-email", ownership: "email" },
      { id: "t-claim", ownership: "claim" },
    ]);
    expect(owners).toEqual([
      { kind: "student", name: "ada", displayName: "Ada L." },
      { kind: "student", name: "bob", displayName: null },
      { kind: "student", name: "cy", displayName: null },
      { kind: "group", name: "lab-team", displayName: "Lab Team" },
    ]);
    expect(pairs).toEqual([
      { templateId: "t-user", ownerKey: "ada", owner: "student:ada" },
      { templateId: "t-user", ownerKey: "bob", owner: "student:bob" },
      { templateId: "t-user", ownerKey: "cy", owner: "student:cy" },
      { templateId: "t-group", ownerKey: "lab-team", owner: "group:lab-team" },
      { templateId: "t-email", ownerKey: "ada-school-example", owner: "student:ada" },
    ]);
  });

  it("counts each template and owner key once", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ username: fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), displayName: fc.constant(null), email: fc.option(fc.emailAddress()), groups: fc.array(fc.constantFrom("A", "b", "Lab Team")) }), { maxLength: 12 }),
        fc.array(fc.record({ id: fc.constantFrom("t1", "t2", "t3"), ownership: fc.constantFrom("user" as const, "group" as const, "email" as const, "claim" as const) }), { maxLength: 4 }),
        (list, templates) => {
          const { pairs, owners } = usageScope(list, templates);
          const keys = pairs.map((p) => `${p.templateId} ${p.ownerKey}`);
          expect(new Set(keys).size).toBe(keys.length);
          const ids = new Set(owners.map(usageOwnerId));
          for (const pair of pairs) expect(ids.has(pair.owner)).toBe(true);
        },
      ),
    );
  });
});
