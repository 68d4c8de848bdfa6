import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as joinCodeRoute from "@/app/api/v1/classes/[slug]/join-code/route";
import * as memberRoute from "@/app/api/v1/classes/[slug]/members/[username]/route";
import * as membersRoute from "@/app/api/v1/classes/[slug]/members/route";
import * as classRoute from "@/app/api/v1/classes/[slug]/route";
import * as teacherRoute from "@/app/api/v1/classes/[slug]/teachers/[username]/route";
import * as teachersRoute from "@/app/api/v1/classes/[slug]/teachers/route";
import * as classesRoute from "@/app/api/v1/classes/route";
import * as joinRoute from "@/app/api/v1/join/route";
import { JOIN_CODE_REFUSED, JOIN_FAILURE_LIMIT } from "@/lib/domain/classes";
import type { Identity } from "@/lib/domain/identity";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { createUser } from "@/test/support/launch";
import { API_ORIGIN, routeCaller } from "@/test/support/route-caller";

/**
 * The classes REST API, route handlers called as Next calls them, against the real database and real
 * personal tokens, as anonymous, two students, the class's teacher (A), another teacher (B) and an admin.
 * Every answer is checked against the OpenAPI document the portal serves, and at the end every answer the
 * document lists for these paths must have been seen. Only the next-auth session lookup is replaced (it
 * needs Next's request scope): a session cookie means "signed in as `session.identity`".
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));

const database = setupTestDatabase();

const ROUTES: Record<string, Record<string, unknown>> = {
  "/api/v1/classes": classesRoute,
  "/api/v1/classes/{slug}": classRoute,
  "/api/v1/classes/{slug}/members": membersRoute,
  "/api/v1/classes/{slug}/members/{username}": memberRoute,
  "/api/v1/classes/{slug}/teachers": teachersRoute,
  "/api/v1/classes/{slug}/teachers/{username}": teacherRoute,
  "/api/v1/classes/{slug}/join-code": joinCodeRoute,
  "/api/v1/join": joinRoute,
};

type Who = "anonymous" | "student" | "otherStudent" | "teacherA" | "teacherB" | "admin";
const people = {} as Record<Exclude<Who, "anonymous">, Identity>;
const tokens = {} as Record<Exclude<Who, "anonymous">, string>;
const { api, checker } = routeCaller<Who>({ routes: ROUTES, tokens, anonymous: "anonymous", caller: "teacherA", session });

async function snapshot() {
  const client = database.db();
  const [classes, teachers, members, audit, attempts] = await Promise.all([
    client.class.findMany({ orderBy: { slug: "asc" } }),
    client.classTeacher.findMany({ orderBy: [{ classId: "asc" }, { userId: "asc" }] }),
    client.classMember.findMany({ orderBy: [{ classId: "asc" }, { userId: "asc" }] }),
    client.auditEvent.findMany({ orderBy: { id: "asc" } }),
    client.joinAttempt.findMany({ orderBy: { id: "asc" } }),
  ]);
  return { classes, teachers, members, audit, attempts };
}

const codeOf = async (slug: string) => (await database.db().class.findUniqueOrThrow({ where: { slug } })).joinCode!;

beforeAll(async () => {
  const roles = { student: ["student"], otherStudent: ["student"], teacherA: ["teacher"], teacherB: ["teacher"], admin: ["admin"] } as const;
  for (const [who, role] of Object.entries(roles) as [Exclude<Who, "anonymous">, readonly ["student" | "teacher" | "admin"]][]) {
    people[who] = await createUser({ name: `api-${who.toLowerCase()}`, roles: [...role] });
    tokens[who] = (await createApiToken(people[who], { name: "script" })).token;
  }
  await createUser({ name: "api-pupil" });
  const made = await api("POST", "/api/v1/classes", { body: { title: "Intro to CS", slug: "cs101", term: "Fall 2026" } });
  expect(made.status).toBe(201);
});

beforeEach(() => {
  session.identity = null;
});

describe("rights: every route as every kind of caller", () => {
  const everyone: Who[] = ["anonymous", "student", "otherStudent", "teacherB", "teacherA", "admin"];
  /** Calls that succeed for the class's teacher and an admin and change nothing when repeated. */
  const calls: [string, string, Record<string, string>, unknown?][] = [
    ["GET", "/api/v1/classes/{slug}", { slug: "cs101" }],
    ["PATCH", "/api/v1/classes/{slug}", { slug: "cs101" }, { term: "Fall 2026" }],
    ["GET", "/api/v1/classes/{slug}/members", { slug: "cs101" }],
    ["POST", "/api/v1/classes/{slug}/members", { slug: "cs101" }, { usernames: "api-pupil", dryRun: true }],
    ["PATCH", "/api/v1/classes/{slug}/join-code", { slug: "cs101" }, { enabled: true }],
    ["POST", "/api/v1/classes/{slug}/teachers", { slug: "cs101" }, { username: "api-teachera" }],
  ];
  const expected: Record<Who, number> = { anonymous: 401, student: 403, otherStudent: 403, teacherB: 404, teacherA: 200, admin: 200 };

  for (const [method, path, params, body] of calls) {
    it(`${method} ${path}: 401 signed out, 403 students, 404 another teacher, 200 the class's teacher and admins; refusals change nothing`, async () => {
      for (const who of everyone) {
        const before = await snapshot();
        const sent = await api(method, path, { as: who, params, body });
        expect(sent.status, `${method} ${path} as ${who}: ${sent.text}`).toBe(expected[who]);
        if (sent.status >= 400) {
          expect(await snapshot()).toEqual(before);
          if (who === "teacherB") expect(sent.body).toEqual({ error: "No such class.", code: "NOT_FOUND" });
        }
      }
    });
  }

  it("changes by another teacher, a student or nobody are refused before anything is read or written", async () => {
    const before = await snapshot();
    const changes: [string, string, Record<string, string>, unknown?][] = [
      ["DELETE", "/api/v1/classes/{slug}", { slug: "cs101" }],
      ["DELETE", "/api/v1/classes/{slug}/members/{username}", { slug: "cs101", username: "api-pupil" }],
      ["DELETE", "/api/v1/classes/{slug}/teachers/{username}", { slug: "cs101", username: "api-teachera" }],
      ["POST", "/api/v1/classes/{slug}/join-code", { slug: "cs101" }],
      ["POST", "/api/v1/classes/{slug}/members", { slug: "cs101" }, { usernames: ["api-pupil"] }],
    ];
    for (const [method, path, params, body] of changes) {
      expect((await api(method, path, { as: "anonymous", params, body })).status).toBe(401);
      expect((await api(method, path, { as: "student", params, body })).status).toBe(403);
      expect((await api(method, path, { as: "teacherB", params, body })).status).toBe(404);
    }
    expect((await api("GET", "/api/v1/classes", { as: "anonymous" })).status).toBe(401);
    expect((await api("GET", "/api/v1/classes", { as: "student" })).status).toBe(403);
    expect((await api("POST", "/api/v1/classes", { as: "student", body: { title: "X", slug: "mine" } })).status).toBe(403);
    expect((await api("POST", "/api/v1/classes", { as: "anonymous", body: { title: "X", slug: "mine" } })).status).toBe(401);
    expect((await api("POST", "/api/v1/join", { as: "anonymous", body: { code: await codeOf("cs101") } })).status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  it("lists the caller's classes: A's for A, none of A's for B, all for an admin", async () => {
    await api("POST", "/api/v1/classes", { as: "teacherB", body: { title: "Databases", slug: "db201" } });
    const slugs = async (who: Who) => ((await api("GET", "/api/v1/classes", { as: who })).body.classes as { slug: string }[]).map((c) => c.slug);
    expect(await slugs("teacherA")).toEqual(["cs101"]);
    expect(await slugs("teacherB")).toEqual(["db201"]);
    expect((await slugs("admin")).sort()).toEqual(["cs101", "db201"]);
  });
});

describe("creating and changing", () => {
  it("refuses bad bodies at their fields (409 for a taken short name, 413 when too large) and saves nothing", async () => {
    const before = await snapshot();
    const cases: [unknown, number, string, RegExp][] = [
      [{ title: "X", slug: "cs101" }, 409, "slug", /taken/],
      [{ title: "X", slug: "db201" }, 409, "slug", /taken/],
      [{ title: "X", slug: "Upper" }, 400, "slug", /lowercase/],
      [{ title: "X", slug: "'; DROP TABLE classes;--" }, 400, "slug", /lowercase/],
      [{ title: "X", slug: "<script>" }, 400, "slug", /lowercase/],
      [{ title: "X", slug: "{{ slug }}" }, 400, "slug", /lowercase/],
      [{ title: "X", slug: "ünicode" }, 400, "slug", /lowercase/],
      [{ title: "X", slug: "a".repeat(41) }, 400, "slug", /At most 40/],
      [{ title: "X", slug: "new" }, 400, "slug", /reserved/],
      [{ title: "X", slug: 7 }, 400, "slug", /short name/],
      [{ title: "x".repeat(101), slug: "ok" }, 400, "title", /At most 100/],
      [{ title: "a\nb", slug: "ok" }, 400, "title", /printable/],
      [{ title: null, slug: "ok" }, 400, "title", /title/],
      [{ slug: "ok" }, 400, "title", /Required/],
      [{ title: "X", slug: "ok", term: "t".repeat(51) }, 400, "term", /At most 50/],
      [{ title: "X", slug: "ok", teachers: ["api-teacherb"] }, 400, "teachers", /not a field/],
      [{ title: "a\u0000b", slug: "ok" }, 400, "title", /NUL/],
      ["not json", 400, "", /not valid JSON/],
      [[{ title: "X", slug: "ok" }], 400, "", /JSON object/],
    ];
    for (const [body, status, field, message] of cases) {
      const sent = await api("POST", "/api/v1/classes", { body });
      expect(sent.status, JSON.stringify(body)).toBe(status);
      expect(field ? sent.body.fields?.[field]?.join(" ") : sent.body.error, JSON.stringify(body)).toMatch(message);
    }
    expect((await api("POST", "/api/v1/classes", { body: { title: "x".repeat(70 * 1024), slug: "big" } })).status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it("creates with Location, the class's fields, and an open join code that works", async () => {
    const made = await api("POST", "/api/v1/classes", { body: { title: "<b>Web</b> {{ x }} ✓", slug: "web" } });
    expect(made).toMatchObject({ status: 201, body: { slug: "web", title: "<b>Web</b> {{ x }} ✓", term: "", joinState: "open", teachers: [{ username: "api-teachera" }], catalogs: [] } });
    expect(made.headers.get("location")).toBe("/api/v1/classes/web");
    const joined = await api("POST", "/api/v1/join", { as: "student", body: { code: (made.body.joinCode as string).toLowerCase() } });
    expect(joined).toMatchObject({ status: 200, body: { slug: "web", status: "joined" } });
  });

  it("patches fields and archives (DELETE) and brings back (PATCH), refusing bad bodies unchanged", async () => {
    const patched = await api("PATCH", "/api/v1/classes/{slug}", { params: { slug: "web" }, body: { title: "Web dev", groups: ["class-web"] } });
    expect(patched).toMatchObject({ status: 200, body: { title: "Web dev", groups: ["class-web"] } });
    const before = await snapshot();
    for (const body of [{ title: "" }, { groups: "class-web" }, { groups: ["bad group"] }, { archived: "yes" }, { slug: "renamed" }, { title: "x".repeat(101) }]) {
      const sent = await api("PATCH", "/api/v1/classes/{slug}", { params: { slug: "web" }, body });
      expect(sent.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api("PATCH", "/api/v1/classes/{slug}", { params: { slug: "web" }, body: { title: "y".repeat(70 * 1024) } })).status).toBe(413);
    expect(await snapshot()).toEqual(before);
    expect((await api("DELETE", "/api/v1/classes/{slug}", { params: { slug: "web" } })).status).toBe(204);
    expect((await api("GET", "/api/v1/classes/{slug}", { params: { slug: "web" } })).body.archivedAt).not.toBeNull();
    expect((await api("POST", "/api/v1/join", { as: "otherStudent", body: { code: await codeOf("web") } })).status).toBe(404);
    expect((await api("PATCH", "/api/v1/classes/{slug}", { params: { slug: "web" }, body: { archived: false } })).body).toMatchObject({ archivedAt: null, joinState: "open" });
  });
});

describe("roster and teachers", () => {
  it("adds members from a list (dry run first), reports each name, refuses 10 001 names and oversized bodies", async () => {
    const list = ["api-pupil", "API-PUPIL", "ghost", "<script>", "api-student"];
    const before = await snapshot();
    const dry = await api("POST", "/api/v1/classes/{slug}/members", { params: { slug: "cs101" }, body: { usernames: list, dryRun: true } });
    expect(dry.body).toMatchObject({ dryRun: true, counts: { added: 2, duplicate: 1, "unknown-user": 1, invalid: 1, "already-member": 0 } });
    expect(await snapshot()).toEqual(before);
    const many = Array.from({ length: 10_001 }, (_, i) => `n${i}`);
    const refused = await api("POST", "/api/v1/classes/{slug}/members", { params: { slug: "cs101" }, body: { usernames: many.join("\n") } });
    expect(refused).toMatchObject({ status: 400, body: { fields: { names: [expect.stringMatching(/more than 10,000/)] } } });
    for (const body of [{ usernames: 42 }, { usernames: [1] }, {}, { usernames: "a", dryRun: "no" }, { usernames: "a", extra: 1 }]) {
      expect((await api("POST", "/api/v1/classes/{slug}/members", { params: { slug: "cs101" }, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api("POST", "/api/v1/classes/{slug}/members", { params: { slug: "cs101" }, body: { usernames: "x".repeat(1100 * 1024) } })).status).toBe(413);
    expect(await snapshot()).toEqual(before);
    const added = await api("POST", "/api/v1/classes/{slug}/members", { params: { slug: "cs101" }, body: { usernames: list.join(",") } });
    expect(added.body).toMatchObject({ dryRun: false, counts: { added: 2 } });
    const roster = await api("GET", "/api/v1/classes/{slug}/members", { params: { slug: "cs101" } });
    expect((roster.body.members as { username: string; via: string }[]).map((m) => [m.username, m.via])).toEqual([
      ["api-pupil", "teacher"],
      ["api-student", "teacher"],
    ]);
  });

  it("removes a member (404 for a non-member, 409 for a group member)", async () => {
    await api("PATCH", "/api/v1/classes/{slug}", { params: { slug: "cs101" }, body: { groups: ["class-cs"] } });
    await createUser({ name: "api-grouped", groups: ["class-cs"] });
    const before = await snapshot();
    expect((await api("DELETE", "/api/v1/classes/{slug}/members/{username}", { params: { slug: "cs101", username: "api-grouped" } })).status).toBe(409);
    expect((await api("DELETE", "/api/v1/classes/{slug}/members/{username}", { params: { slug: "cs101", username: "ghost" } })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
    expect((await api("DELETE", "/api/v1/classes/{slug}/members/{username}", { params: { slug: "cs101", username: "api-pupil" } })).status).toBe(204);
    await api("PATCH", "/api/v1/classes/{slug}", { params: { slug: "cs101" }, body: { groups: [] } });
  });

  it("adds a co-teacher who is a teacher (201, then 200), refuses others, keeps the last teacher", async () => {
    const before = await snapshot();
    expect(await api("POST", "/api/v1/classes/{slug}/teachers", { params: { slug: "cs101" }, body: { username: "api-student" } })).toMatchObject({ status: 400, body: { fields: { username: [expect.stringMatching(/not a teacher/)] } } });
    expect((await api("POST", "/api/v1/classes/{slug}/teachers", { params: { slug: "cs101" }, body: { username: "ghost" } })).status).toBe(404);
    expect((await api("POST", "/api/v1/classes/{slug}/teachers", { params: { slug: "cs101" }, body: { username: 5 } })).status).toBe(400);
    expect((await api("POST", "/api/v1/classes/{slug}/teachers", { params: { slug: "cs101" }, body: { username: "a".repeat(70 * 1024) } })).status).toBe(413);
    expect((await api("DELETE", "/api/v1/classes/{slug}/teachers/{username}", { params: { slug: "cs101", username: "api-teachera" } })).status).toBe(409);
    expect((await api("DELETE", "/api/v1/classes/{slug}/teachers/{username}", { params: { slug: "cs101", username: "api-teacherb" } })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
    expect((await api("POST", "/api/v1/classes/{slug}/teachers", { params: { slug: "cs101" }, body: { username: "api-teacherb" } })).status).toBe(201);
    // Now B teaches it and may read it.
    expect((await api("GET", "/api/v1/classes/{slug}", { as: "teacherB", params: { slug: "cs101" } })).status).toBe(200);
    expect((await api("DELETE", "/api/v1/classes/{slug}/teachers/{username}", { as: "teacherB", params: { slug: "cs101", username: "api-teacherb" } })).status).toBe(204);
    expect((await api("GET", "/api/v1/classes/{slug}", { as: "teacherB", params: { slug: "cs101" } })).status).toBe(404);
  });
});

describe("join codes", () => {
  it("rotates (the old code stops at once), sets an expiry, turns off; refuses bad bodies unchanged", async () => {
    const old = await codeOf("cs101");
    const rotated = await api("POST", "/api/v1/classes/{slug}/join-code", { params: { slug: "cs101" } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.joinCode).not.toBe(old);
    expect(await api("POST", "/api/v1/join", { as: "otherStudent", body: { code: old } })).toMatchObject({ status: 404, body: { error: JOIN_CODE_REFUSED } });
    const before = await snapshot();
    expect((await api("POST", "/api/v1/classes/{slug}/join-code", { params: { slug: "cs101" }, body: { code: "AAAAAAAA" } })).status).toBe(400);
    expect((await api("POST", "/api/v1/classes/{slug}/join-code", { params: { slug: "cs101" }, body: "x".repeat(70 * 1024) })).status).toBe(413);
    for (const body of [{ enabled: "true" }, { enabled: true, expiresAt: "next week" }, { enabled: true, expiresAt: "2020-01-01T00:00:00Z" }, {}, { enabled: true, joinCode: "ABCDEFGH" }]) {
      expect((await api("PATCH", "/api/v1/classes/{slug}/join-code", { params: { slug: "cs101" }, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api("PATCH", "/api/v1/classes/{slug}/join-code", { params: { slug: "cs101" }, body: { enabled: true, expiresAt: "z".repeat(70 * 1024) } })).status).toBe(413);
    expect(await snapshot()).toEqual(before);
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    expect((await api("PATCH", "/api/v1/classes/{slug}/join-code", { params: { slug: "cs101" }, body: { enabled: true, expiresAt } })).body).toMatchObject({ joinCodeExpiresAt: expiresAt, joinState: "open" });
    expect((await api("PATCH", "/api/v1/classes/{slug}/join-code", { params: { slug: "cs101" }, body: { enabled: false } })).body).toMatchObject({ joinCode: null, joinUrl: null, joinState: "off" });
    expect((await api("PATCH", "/api/v1/classes/{slug}/join-code", { params: { slug: "cs101" }, body: { enabled: true, expiresAt: null } })).body).toMatchObject({ joinState: "open", joinCodeExpiresAt: null });
  });

  it("joins once (then 'already'), refuses bad bodies, cross-site cookies, and guessing past 10 tries (429)", async () => {
    const code = await codeOf("cs101");
    expect(await api("POST", "/api/v1/join", { as: "otherStudent", body: { code } })).toMatchObject({ status: 200, body: { slug: "cs101", title: "Intro to CS", status: "joined" } });
    const before = await snapshot();
    expect(await api("POST", "/api/v1/join", { as: "otherStudent", body: { code } })).toMatchObject({ status: 200, body: { status: "already" } });
    for (const body of [{}, { code: 12345678 }, { code: "ABCDEFGH", class: "cs101" }, { code: "A".repeat(101) }]) {
      expect((await api("POST", "/api/v1/join", { as: "otherStudent", body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api("POST", "/api/v1/join", { as: "otherStudent", body: { code: "A".repeat(70 * 1024) } })).status).toBe(413);
    const crossSite = await api("POST", "/api/v1/join", { cookie: people.teacherB, body: { code }, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    expect(await snapshot()).toEqual(before);
    // Signed in with the session from Envdeck's own page: fine.
    expect((await api("POST", "/api/v1/join", { cookie: people.teacherB, body: { code }, headers: { origin: API_ORIGIN, "sec-fetch-site": "same-origin" } })).body).toMatchObject({ status: "joined" });

    for (let i = 0; i < JOIN_FAILURE_LIMIT; i++) {
      expect((await api("POST", "/api/v1/join", { as: "admin", body: { code: `ZZZZZZZ${"ABCDEFGHJK"[i]}` } })).status).toBe(404);
    }
    const limited = await api("POST", "/api/v1/join", { as: "admin", body: { code } });
    expect(limited).toMatchObject({ status: 429, body: { code: "RATE_LIMITED", error: expect.stringMatching(/Wait 1[45] minutes/) } });
    expect(await database.db().classMember.count({ where: { userId: people.admin.userId } })).toBe(0);
  });
});

describe("the document", () => {
  it("lists no answer of these paths that was never seen", () => {
    // Only the paths this file covers: other class paths (a class's environments) have tests of their own.
    const unseen = [...checker.unseen("/api/v1/classes"), ...checker.unseen("/api/v1/join")].filter((key) => key.split(" ")[1]! in ROUTES);
    expect(unseen).toEqual([]);
  });
});
