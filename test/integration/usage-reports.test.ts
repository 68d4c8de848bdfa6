import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as usageRoute from "@/app/api/v1/classes/[slug]/usage/route";
import { openApiDocument } from "@/lib/api/openapi";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { usageFigures } from "@/lib/domain/usage";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { exportClassUsage } from "@/lib/services/usage/export-class-usage";
import { getClassUsage } from "@/lib/services/usage/get-class-usage";
import { getOwnerUsage } from "@/lib/services/usage/get-owner-usage";
import { setupTestDatabase } from "@/test/support/database";
import { createLaunchTemplate, createUser } from "@/test/support/launch";
import { openApiChecker } from "@/test/support/openapi";
import { insertUsageFixture, USAGE_FIXTURE_FROM, USAGE_FIXTURE_TO } from "@/test/support/usage-fixture";

/**
 * Usage reports against the real database: a hand-made history (test/support/usage-fixture.ts: launches,
 * claimed and recycled pool members, a failure, expiries, a deletion, spans across the range's edges, a
 * student in two templates, a non-member, a template outside the class's catalogs, a group's environment)
 * gives exact figures through the use cases and the REST API, whose every answer is checked against the
 * OpenAPI document. Only the next-auth session lookup is replaced, as in the other API tests.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));

const database = setupTestDatabase();
const checker = openApiChecker(JSON.parse(JSON.stringify(openApiDocument)) as Record<string, unknown>);
const PATH = "/api/v1/classes/{slug}/usage";
const H = 3_600_000;
const M = 60_000;
const RANGE = { from: USAGE_FIXTURE_FROM, to: USAGE_FIXTURE_TO };

type Who = "anonymous" | "student" | "teacherA" | "teacherB" | "admin";
const people = {} as Record<Exclude<Who, "anonymous">, Identity>;
const tokens = {} as Record<Exclude<Who, "anonymous">, string>;
const members = {} as Record<"s1" | "s2" | "s3" | "s4" | "outsider", Identity>;

interface Sent {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown> & { error?: string; code?: string; fields?: Record<string, string[]> };
}

/** GET the report as `as`, with a query string; JSON answers are checked against the document. */
async function usage(query: string, as: Who = "teacherA", slug = "usage-2b"): Promise<Sent> {
  const headers: Record<string, string> = as === "anonymous" ? {} : { authorization: `Bearer ${tokens[as]}` };
  const response = await usageRoute.GET(new Request(`http://envdeck.test/api/v1/classes/${encodeURIComponent(slug)}/usage${query}`, { headers }), { params: Promise.resolve({ slug }) });
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.startsWith("application/json") ?? false;
  const sent: Sent = { status: response.status, headers: response.headers, text, body: isJson ? JSON.parse(text) : {} };
  if (isJson) expect(checker.problems(PATH, "GET", sent), `${query} as ${as}: ${text.slice(0, 300)}`).toEqual([]);
  return sent;
}

beforeAll(async () => {
  const roles = { student: ["student"], teacherA: ["teacher"], teacherB: ["teacher"], admin: ["admin"] } as const;
  for (const [who, role] of Object.entries(roles) as [Exclude<Who, "anonymous">, readonly ["student" | "teacher" | "admin"]][]) {
    people[who] = await createUser({ name: `usage-${who.toLowerCase()}`, roles: [...role] });
    tokens[who] = (await createApiToken(people[who], { name: "script" })).token;
  }
  members.s1 = await createUser({ name: "ada" });
  members.s2 = await createUser({ name: "bob.smith" });
  members.s3 = await createUser({ name: "cy", groups: ["Lab Team"] });
  members.s4 = await createUser({ name: "dee" });
  members.outsider = await createUser({ name: "eve" });
  const [a, b, c, g] = await Promise.all([
    createLaunchTemplate("usage-lab", { displayName: "Lab" }),
    createLaunchTemplate("usage-notebook", { displayName: "Notebook" }),
    createLaunchTemplate("usage-other", { displayName: "Other" }),
    createLaunchTemplate("usage-team", { displayName: "Team", spec: { ownerClaim: "groups", valuesTemplate: "host: {{ host }}\nteam: {{ owner }}\n" } }),
  ]);
  const client = database.db();
  const made = await client.class.create({
    data: {
      slug: "usage-2b",
      title: "Usage 2B",
      teachers: { create: [{ userId: people.teacherA.userId }] },
      members: { create: [members.s1, members.s2, members.s3, members.s4].map((m) => ({ userId: m.userId, via: "teacher" })) },
    },
  });
  // Two catalogs for the class, one listing both of its templates and one listing one again; c is in a catalog of another class.
  await client.catalog.create({
    data: {
      slug: "usage-cat",
      title: "Usage",
      ownerId: people.teacherA.userId,
      items: { create: [{ templateId: a.id, position: 0 }, { templateId: b.id, position: 1 }, { templateId: g.id, position: 2 }] },
      classes: { create: [{ classId: made.id }] },
    },
  });
  await client.catalog.create({ data: { slug: "usage-cat-2", title: "Usage again", ownerId: people.teacherA.userId, items: { create: [{ templateId: a.id, position: 0 }] }, classes: { create: [{ classId: made.id }] } } });
  const other = await client.class.create({ data: { slug: "usage-other", title: "Other class", teachers: { create: [{ userId: people.teacherB.userId }] } } });
  await client.catalog.create({ data: { slug: "usage-cat-other", title: "Other", ownerId: people.teacherB.userId, items: { create: [{ templateId: c.id, position: 0 }] }, classes: { create: [{ classId: other.id }] } } });
  await insertUsageFixture({ uuidPrefix: "f1c0", owners: { s1: "ada", s2: "bob-smith", s3: "cy", outsider: "eve", group: "lab-team" }, templates: { a: a.id, b: b.id, c: c.id, g: g.id } });
});

beforeEach(() => {
  session.identity = null;
});

const figures = (timeUsedMs: number, launches: number, failures: number, medianMsToReady: number | null) => ({ timeUsedMs, launches, failures, medianMsToReady });

describe("a class's report of a hand-made history", () => {
  it("has the exact figures for the class, each student, the group and each template", async () => {
    const sent = await usage(`?from=${RANGE.from}&to=${RANGE.to}&tz=UTC`);
    expect(sent.status).toBe(200);
    const body = sent.body as unknown as {
      range: Record<string, string>;
      total: object;
      owners: { kind: string; name: string; displayName: string | null; templates: { name: string }[] }[];
      templates: { name: string }[];
    };
    expect(body.range).toEqual({ from: "2026-10-01", to: "2026-10-10", timeZone: "UTC", start: "2026-10-01T00:00:00.000Z", end: "2026-10-11T00:00:00.000Z" });
    expect(body.total).toEqual(figures(17 * H + 10 * M, 9, 1, 45_000));
    expect(body.owners).toEqual([
      {
        kind: "student",
        name: "ada",
        displayName: null,
        ...figures(8 * H + 30 * M, 4, 0, 90_000),
        templates: [
          { name: "usage-lab", displayName: "Lab", ...figures(7 * H, 3, 0, 120_000) },
          { name: "usage-notebook", displayName: "Notebook", ...figures(90 * M, 1, 0, 0) },
        ],
      },
      {
        kind: "student",
        name: "bob.smith",
        displayName: null,
        ...figures(5 * H + 10 * M, 3, 1, 0),
        templates: [
          { name: "usage-lab", displayName: "Lab", ...figures(2 * H + 10 * M, 1, 1, null) },
          { name: "usage-notebook", displayName: "Notebook", ...figures(3 * H, 2, 0, 0) },
        ],
      },
      { kind: "student", name: "cy", displayName: null, ...figures(30 * M, 1, 0, 90_000), templates: [{ name: "usage-lab", displayName: "Lab", ...figures(30 * M, 1, 0, 90_000) }] },
      { kind: "student", name: "dee", displayName: null, ...figures(0, 0, 0, null), templates: [] },
      { kind: "group", name: "lab-team", displayName: "Lab Team", ...figures(3 * H, 1, 0, 30_000), templates: [{ name: "usage-team", displayName: "Team", ...figures(3 * H, 1, 0, 30_000) }] },
    ]);
    expect(body.templates).toEqual([
      { name: "usage-lab", displayName: "Lab", ...figures(9 * H + 40 * M, 5, 1, 105_000) },
      { name: "usage-notebook", displayName: "Notebook", ...figures(4 * H + 30 * M, 3, 0, 0) },
      { name: "usage-team", displayName: "Team", ...figures(3 * H, 1, 0, 30_000) },
    ]);
  });

  it("adds up: the owners' time, launches and failures are the class's, and so are the templates'", async () => {
    const report = await getClassUsage(people.teacherA, { slug: "usage-2b", query: RANGE });
    for (const rows of [report.owners, report.templates]) {
      expect(rows.reduce((sum, r) => sum + r.timeUsedMs, 0)).toBe(report.total.timeUsedMs);
      expect(rows.reduce((sum, r) => sum + r.launches, 0)).toBe(report.total.launches);
      expect(rows.reduce((sum, r) => sum + r.failures, 0)).toBe(report.total.failures);
    }
  });

  it("reads the days in the teacher's time zone", async () => {
    // In Auckland (UTC+13) the range starts 13 hours earlier: Bob's launch of 22:00 UTC the day before is inside it.
    const report = await getClassUsage(people.teacherA, { slug: "usage-2b", query: { ...RANGE, tz: "Pacific/Auckland" } });
    expect(report.range.from.toISOString()).toBe("2026-09-30T11:00:00.000Z");
    expect(report.owners.find((o) => o.name === "bob.smith")).toMatchObject({ launches: 4 });
  });

  it("counts a running environment up to now when the range includes today, and uses the last 30 days by default", async () => {
    const now = new Date("2026-11-29T12:00:00Z");
    const report = await getClassUsage(people.teacherA, { slug: "usage-2b", query: {}, now });
    expect(report.range).toMatchObject({ fromDate: "2026-10-31", toDate: "2026-11-29", timeZone: "UTC" });
    // Ada's lab launched on 10 October and her notebook claimed on 12 October still run: each counts from the range's start to now.
    const sinceStart = now.getTime() - Date.parse("2026-10-31T00:00:00Z");
    expect(report.owners.find((o) => o.name === "ada")).toMatchObject(figures(2 * sinceStart, 0, 0, null));
    expect(report.total).toEqual(figures(2 * sinceStart, 0, 0, null));
  });

  it("drills down into one student's environments, whose figures agree with the report's", async () => {
    const now = new Date("2026-11-29T12:00:00Z");
    const detail = await getOwnerUsage(people.teacherA, { slug: "usage-2b", name: "ada", query: RANGE, now });
    expect(detail.environments.map((e) => [e.template.name, e.start.toISOString(), e.end?.toISOString() ?? null, e.outcome, e.claimed, e.timeUsedMs])).toEqual([
      ["usage-lab", "2026-10-10T23:00:00.000Z", null, "running", false, 1 * H],
      ["usage-notebook", "2026-10-04T10:00:00.000Z", "2026-10-04T11:30:00.000Z", "returned", true, 90 * M],
      ["usage-lab", "2026-10-03T09:00:00.000Z", "2026-10-03T13:00:00.000Z", "ended", false, 4 * H],
      ["usage-lab", "2026-10-02T10:00:00.000Z", "2026-10-02T12:00:00.000Z", "ended", false, 2 * H],
    ]);
    const report = await getClassUsage(people.teacherA, { slug: "usage-2b", query: RANGE, now });
    for (const owner of report.owners) {
      const one = await getOwnerUsage(people.teacherA, { slug: "usage-2b", name: owner.name, query: RANGE, now });
      const spans = one.environments.map((e) => ({ ...e, ownerKey: owner.name, templateId: e.template.name, end: e.end }));
      expect(usageFigures(spans, report.range, now), owner.name).toEqual(figures(owner.timeUsedMs, owner.launches, owner.failures, owner.medianMsToReady));
      expect(one.figures).toEqual(figures(owner.timeUsedMs, owner.launches, owner.failures, owner.medianMsToReady));
    }
    const bob = await getOwnerUsage(people.teacherA, { slug: "usage-2b", name: "bob.smith", query: RANGE, now });
    expect(bob.environments.map((e) => e.outcome)).toEqual(["ended", "failed", "ended", "ended"]);
  });

  it("does not drill down into someone outside the class", async () => {
    for (const name of ["eve", "nobody", "", 42]) {
      await expect(getOwnerUsage(people.teacherA, { slug: "usage-2b", name, query: RANGE })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
  });

  it("downloads as CSV: a line for the class, each student or group and their templates, each template", async () => {
    const sent = await usage(`?from=${RANGE.from}&to=${RANGE.to}&format=csv`);
    expect(sent.status).toBe(200);
    expect(sent.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(sent.headers.get("content-disposition")).toBe('attachment; filename="usage-usage-2b-2026-10-01-2026-10-10.csv"');
    const lines = sent.text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    const tail = '"2026-10-01","2026-10-10","UTC"';
    expect(lines).toEqual([
      '"kind","name","display_name","template","from","to","time_zone","time_used_seconds","launches","failures","median_seconds_to_ready"',
      `"class","usage-2b","Usage 2B","",${tail},"61800.000","9","1","45.000"`,
      `"student","ada","","",${tail},"30600.000","4","0","90.000"`,
      `"student","ada","","usage-lab",${tail},"25200.000","3","0","120.000"`,
      `"student","ada","","usage-notebook",${tail},"5400.000","1","0","0.000"`,
      `"student","bob.smith","","",${tail},"18600.000","3","1","0.000"`,
      `"student","bob.smith","","usage-lab",${tail},"7800.000","1","1",""`,
      `"student","bob.smith","","usage-notebook",${tail},"10800.000","2","0","0.000"`,
      `"student","cy","","",${tail},"1800.000","1","0","90.000"`,
      `"student","cy","","usage-lab",${tail},"1800.000","1","0","90.000"`,
      `"student","dee","","",${tail},"0.000","0","0",""`,
      `"group","lab-team","Lab Team","",${tail},"10800.000","1","0","30.000"`,
      `"group","lab-team","Lab Team","usage-team",${tail},"10800.000","1","0","30.000"`,
      `"template","usage-lab","Lab","usage-lab",${tail},"34800.000","5","1","105.000"`,
      `"template","usage-notebook","Notebook","usage-notebook",${tail},"16200.000","3","0","0.000"`,
      `"template","usage-team","Team","usage-team",${tail},"10800.000","1","0","30.000"`,
    ]);
  });

  it("neutralises a display name that a spreadsheet would run as a formula", async () => {
    await database.db().user.update({ where: { username: "dee" }, data: { displayName: "=1+2" } });
    try {
      const file = await exportClassUsage(people.teacherA, { slug: "usage-2b", query: RANGE });
      expect(file.body).toContain(`"student","dee","'=1+2","",`);
    } finally {
      await database.db().user.update({ where: { username: "dee" }, data: { displayName: null } });
    }
  });
});

describe("rights", () => {
  it("answers the class's teacher and admins, not another teacher, students or anonymous callers, in JSON and CSV", async () => {
    const expected: Record<Who, number> = { anonymous: 401, student: 403, teacherB: 404, teacherA: 200, admin: 200 };
    for (const format of ["json", "csv"]) {
      for (const [who, status] of Object.entries(expected) as [Who, number][]) {
        const sent = await usage(`?from=${RANGE.from}&to=${RANGE.to}&format=${format}`, who);
        expect(sent.status, `${who} ${format}`).toBe(status);
        if (status !== 200) expect(sent.text).not.toContain("ada");
      }
    }
    const admin = await usage(`?from=${RANGE.from}&to=${RANGE.to}`, "admin");
    expect(admin.body.total).toEqual(figures(17 * H + 10 * M, 9, 1, 45_000));
  });

  it("refuses the same callers in the use cases, called directly", async () => {
    const input = { slug: "usage-2b", query: RANGE };
    const code = async (call: Promise<unknown>) => call.then(() => "ok", (e: AppError) => e.code);
    for (const [identity, expected] of [
      [null, "UNAUTHENTICATED"],
      [people.student, "FORBIDDEN"],
      [members.s1, "FORBIDDEN"],
      [people.teacherB, "NOT_FOUND"],
      [people.teacherA, "ok"],
      [people.admin, "ok"],
    ] as const) {
      expect(await code(getClassUsage(identity, input)), identity?.username ?? "anonymous").toBe(expected);
      expect(await code(exportClassUsage(identity, input))).toBe(expected);
      expect(await code(getOwnerUsage(identity, { ...input, name: "ada" }))).toBe(expected);
    }
  });

  it("says an unknown class and another teacher's class alike are not found, whatever the query", async () => {
    const mine = await usage("?from=nonsense", "teacherB", "usage-2b");
    const none = await usage("?from=nonsense", "teacherA", "no-such-class");
    expect([mine.status, none.status]).toEqual([404, 404]);
    expect(mine.body).toEqual(none.body);
  });
});

describe("bad input", () => {
  const cases: [string, Record<string, string[]>][] = [
    ["?from=2026-10-10&to=2026-10-01", { to: ["Must be on or after the start."] }],
    ["?from=2025-01-01&to=2026-10-01", { from: ["A report covers at most 366 days."] }],
    ["?from=2026-13-01", { from: ["A date as YYYY-MM-DD, from the year 2000."] }],
    ["?to=yesterday", { to: ["A date as YYYY-MM-DD, from the year 2000."] }],
    ["?tz=Not%2FA_Zone", { tz: ["Not a time zone: use an IANA name such as Europe/Paris or UTC."] }],
    ["?from=2026-10-01%27%20OR%201%3D1--", { from: ["A date as YYYY-MM-DD, from the year 2000."] }],
    ["?tz=Europe%2FParis%3BDROP%20TABLE%20users", { tz: ["Not a time zone: use an IANA name such as Europe/Paris or UTC."] }],
    ["?from=%F0%9F%93%85", { from: ["A date as YYYY-MM-DD, from the year 2000."] }],
    ["?from=99999999999999999999-01-01", { from: ["A date as YYYY-MM-DD, from the year 2000."] }],
    [`?from=${"9".repeat(41)}`, { from: ["Too big: expected string to have <=40 characters"] }],
    ["?format=xlsx", { format: ['Invalid option: expected one of "json"|"csv"'] }],
    ["?student=ada", { student: ["is not a field of this request"] }],
    ["?from=2026-10-01&from=2026-10-02", { from: ["is given more than once"] }],
  ];
  for (const [query, fields] of cases) {
    it(`answers 400 with the field for ${query.slice(0, 60)}`, async () => {
      const sent = await usage(query);
      expect(sent.status).toBe(400);
      expect(sent.body.code).toBe("INVALID_INPUT");
      expect(sent.body.fields).toEqual(fields);
    });
  }

  it("refuses a bad range in CSV too, as JSON", async () => {
    const sent = await usage("?format=csv&from=2026-10-10&to=2026-10-01");
    expect(sent.status).toBe(400);
    expect(sent.body.fields).toEqual({ to: ["Must be on or after the start."] });
  });

  it("uses the defaults for missing parameters", async () => {
    const sent = await usage("");
    expect(sent.status).toBe(200);
    expect(sent.body.range).toMatchObject({ timeZone: "UTC" });
    const range = sent.body.range as { from: string; to: string };
    expect(new Date(`${range.to}T00:00:00Z`).getTime() - new Date(`${range.from}T00:00:00Z`).getTime()).toBe(29 * 24 * H);
  });

  it("has seen every answer the document lists for the report", () => {
    expect(checker.unseen(PATH)).toEqual([]);
  });
});
