import { beforeAll, describe, expect, it, vi } from "vitest";
import * as classWarmUpsRoute from "@/app/api/v1/classes/[slug]/warm-ups/route";
import * as warmUpRoute from "@/app/api/v1/warm-ups/[id]/route";
import * as warmUpsRoute from "@/app/api/v1/warm-ups/route";
import type { Identity } from "@/lib/domain/identity";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser } from "@/test/support/launch";
import { routeCaller } from "@/test/support/route-caller";

/**
 * The warm-ups REST API, route handlers called as Next calls them, against the real database with real
 * personal tokens. Every answer is checked against the served OpenAPI document (status listed, body valid by
 * Ajv), and every answer the document lists for the warm-up paths must have been seen by the end.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));

allowLaunching();
const database = setupTestDatabase();

const ROUTES: Record<string, Record<string, unknown>> = {
  "/api/v1/classes/{slug}/warm-ups": classWarmUpsRoute,
  "/api/v1/warm-ups": warmUpsRoute,
  "/api/v1/warm-ups/{id}": warmUpRoute,
};

type Who = "admin" | "teacherA" | "teacherB" | "student" | "nobody";
const tokens: Partial<Record<Who, string>> = {};
const { api, checker } = routeCaller<Who>({ routes: ROUTES, tokens, anonymous: "nobody", caller: "teacherA", session });

/** A wall-clock time `hours` from now in UTC, as the form sends it. */
const local = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString().slice(0, 16);
const booking = (changes: Record<string, unknown> = {}) => ({ template: "api-pool", size: 5, startsAt: local(24), endsAt: local(25), timeZone: "UTC", ...changes });
const snapshot = async () => ({ rows: await database.db().warmUp.findMany({ orderBy: { createdAt: "asc" } }), audit: await database.db().auditEvent.count({ where: { objectType: "warm-up" } }) });

beforeAll(async () => {
  const people: Partial<Record<Who, Identity>> = {};
  for (const [who, roles] of [["admin", ["admin"]], ["teacherA", ["teacher"]], ["teacherB", ["teacher"]], ["student", ["student"]]] as const) {
    people[who] = await createUser({ name: `wapi-${who.toLowerCase()}`, roles: [...roles] });
    tokens[who] = (await createApiToken(people[who], { name: "script" })).token;
  }
  await createLaunchTemplate("api-pool", { method: "pool", poolSize: 1, poolMaxSize: 20 });
  await createLaunchTemplate("api-ondemand");
  await database.db().class.create({ data: { slug: "net-2b", title: "Networks 2B", teachers: { create: [{ userId: people.teacherA!.userId }] } } });
  await database.db().class.create({ data: { slug: "b-class", title: "B class", teachers: { create: [{ userId: people.teacherB!.userId }] } } });
});

describe("the warm-ups API", () => {
  it("books (201 with Location), reads, lists, changes and cancels a warm-up", async () => {
    const created = await api("POST", "/api/v1/classes/{slug}/warm-ups", { slug: "net-2b", body: booking({ weeklyUntil: null }) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get("location")).toBe(`/api/v1/warm-ups/${id}`);
    expect(created.body).toMatchObject({ size: 5, class: { slug: "net-2b" }, template: { name: "api-pool" }, timeZone: "UTC", state: { kind: "scheduled" } });
    expect((await api("GET", "/api/v1/warm-ups/{id}", { id })).body).toMatchObject({ id });
    expect(((await api("GET", "/api/v1/classes/{slug}/warm-ups", { slug: "net-2b" })).body.warmUps as { id: string }[]).map((w) => w.id)).toEqual([id]);
    expect(((await api("GET", "/api/v1/warm-ups")).body.warmUps as { id: string }[]).map((w) => w.id)).toEqual([id]);
    expect((await api("PATCH", "/api/v1/warm-ups/{id}", { id, body: { size: 8 } })).body).toMatchObject({ size: 8 });
    expect((await api("DELETE", "/api/v1/warm-ups/{id}", { id })).body).toMatchObject({ state: { kind: "cancelled" } });
    const actions = (await database.db().auditEvent.findMany({ where: { objectId: id }, orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["warm-up.book", "warm-up.update", "warm-up.cancel"]);
  });

  it("refuses bad bodies at their fields (400), a full pool (409) and a huge body (413), booking nothing", async () => {
    const kept = await api("POST", "/api/v1/classes/{slug}/warm-ups", { slug: "net-2b", body: booking({ size: 15 }) });
    const before = await snapshot();
    const bad: [unknown, string][] = [
      [booking({ endsAt: local(23) }), "endsAt"],
      [booking({ size: 0 }), "size"],
      [booking({ size: -1 }), "size"],
      [booking({ size: 100_000 }), "size"],
      [booking({ template: "api-ondemand" }), "template"],
      [booking({ timeZone: "Europe/Atlantis" }), "timeZone"],
      [booking({ startsAt: local(-2), endsAt: local(-1) }), "startsAt"],
      [booking({ template: "ÅÄÖ 🧪 ' OR 1=1 --" }), "template"],
      [{ size: 3 }, "startsAt"],
    ];
    for (const [body, field] of bad) {
      const refused = await api("POST", "/api/v1/classes/{slug}/warm-ups", { slug: "net-2b", body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.fields?.[field], JSON.stringify(body)).toBeDefined();
    }
    expect((await api("POST", "/api/v1/classes/{slug}/warm-ups", { slug: "net-2b", body: "[1, 2" })).status).toBe(400);
    // maxSize 20 − base 1 − 15 booked = 4 free.
    const full = await api("POST", "/api/v1/classes/{slug}/warm-ups", { slug: "net-2b", body: booking({ size: 5 }) });
    expect(full).toMatchObject({ status: 409, body: { code: "CONFLICT", fields: { size: [expect.stringContaining("Only 4")] } } });
    const id = kept.body.id as string;
    expect((await api("PATCH", "/api/v1/warm-ups/{id}", { id, body: { size: 20 } })).status).toBe(409);
    expect((await api("PATCH", "/api/v1/warm-ups/{id}", { id, body: { endsAt: local(20) } })).status).toBe(400);
    const huge = JSON.stringify({ ...booking(), padding: "x".repeat(70_000) });
    expect((await api("POST", "/api/v1/classes/{slug}/warm-ups", { slug: "net-2b", body: huge })).status).toBe(413);
    expect((await api("PATCH", "/api/v1/warm-ups/{id}", { id, body: huge })).status).toBe(413);
    expect(await snapshot()).toEqual(before);
    await api("DELETE", "/api/v1/warm-ups/{id}", { id });
  });

  it("answers each caller by their rights: 401, 403 for a student, 404 for another teacher's class, everything for an admin", async () => {
    const id = (await api("POST", "/api/v1/classes/{slug}/warm-ups", { slug: "net-2b", body: booking({ size: 2 }) })).body.id as string;
    const before = await snapshot();
    const calls: [string, string, { slug?: string; id?: string; body?: unknown }][] = [
      ["GET", "/api/v1/classes/{slug}/warm-ups", { slug: "net-2b" }],
      ["POST", "/api/v1/classes/{slug}/warm-ups", { slug: "net-2b", body: booking({ size: 1 }) }],
      ["GET", "/api/v1/warm-ups/{id}", { id }],
      ["PATCH", "/api/v1/warm-ups/{id}", { id, body: { size: 3 } }],
      ["DELETE", "/api/v1/warm-ups/{id}", { id }],
    ];
    for (const [who, status] of [
      ["nobody", 401],
      ["student", 403],
      ["teacherB", 404],
    ] as const) {
      for (const [method, path, options] of calls) expect((await api(method, path, { ...options, as: who })).status, `${who} ${method} ${path}`).toBe(status);
    }
    expect((await api("GET", "/api/v1/warm-ups", { as: "nobody" })).status).toBe(401);
    expect((await api("GET", "/api/v1/warm-ups", { as: "student" })).status).toBe(403);
    expect((await api("GET", "/api/v1/warm-ups", { as: "teacherB" })).body.warmUps).toEqual([]);
    expect((await api("GET", "/api/v1/warm-ups/{id}", { id: "nope" })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
    expect((await api("PATCH", "/api/v1/warm-ups/{id}", { id, as: "admin", body: { size: 3 } })).body).toMatchObject({ size: 3 });
    expect((await api("DELETE", "/api/v1/warm-ups/{id}", { id, as: "admin" })).status).toBe(200);
  });

  it("has checked every answer the document lists for warm-ups", () => {
    expect(checker.unseen("/api/v1/classes/{slug}/warm-ups")).toEqual([]);
    expect(checker.unseen("/api/v1/warm-ups")).toEqual([]);
  });
});
