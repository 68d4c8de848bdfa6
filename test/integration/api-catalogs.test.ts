import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as itemsRoute from "@/app/api/v1/catalogs/[slug]/items/route";
import * as catalogRoute from "@/app/api/v1/catalogs/[slug]/route";
import * as catalogsRoute from "@/app/api/v1/catalogs/route";
import type { Identity } from "@/lib/domain/identity";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser } from "@/test/support/launch";
import { API_ORIGIN, routeCaller } from "@/test/support/route-caller";

/**
 * The catalogs REST API, route handlers called as Next calls them, against the real database with real
 * personal tokens. Every answer is checked against the served OpenAPI document (its status listed, its body
 * valid against the schema by Ajv), and every answer the document lists for `/api/v1/catalogs…` must have been
 * seen by the end. Only next-auth's session lookup is replaced, for the CSRF checks of cookie requests.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));

allowLaunching();
const database = setupTestDatabase();

const ROUTES: Record<string, Record<string, unknown>> = {
  "/api/v1/catalogs": catalogsRoute,
  "/api/v1/catalogs/{slug}": catalogRoute,
  "/api/v1/catalogs/{slug}/items": itemsRoute,
};

type Who = "admin" | "teacherA" | "teacherB" | "student" | "nobody";
const tokens: Partial<Record<Who, string>> = {};
const { api, checker } = routeCaller<Who>({ routes: ROUTES, tokens, anonymous: "nobody", caller: "teacherA", session });
const people: Partial<Record<Who, Identity>> = {};

async function snapshot() {
  const client = database.db();
  const [catalogs, items, classes, audit] = await Promise.all([
    client.catalog.findMany({ orderBy: { slug: "asc" } }),
    client.catalogItem.findMany({ orderBy: [{ catalogId: "asc" }, { position: "asc" }] }),
    client.catalogClass.findMany({ orderBy: [{ catalogId: "asc" }, { classId: "asc" }] }),
    client.auditEvent.findMany({ where: { action: { startsWith: "catalog." } }, orderBy: { id: "asc" } }),
  ]);
  return { catalogs, items, classes, audit };
}

const body = { title: "Networks 2B", classes: ["net-2b"], items: [{ template: "lab-one", note: "use this for lab 3" }, { template: "lab-two" }] };

beforeAll(async () => {
  for (const [who, roles] of [["admin", ["admin"]], ["teacherA", ["teacher"]], ["teacherB", ["teacher"]], ["student", ["student"]]] as const) {
    people[who] = await createUser({ name: `api-${who.toLowerCase()}`, roles: [...roles] });
    tokens[who] = (await createApiToken(people[who], { name: "script" })).token;
  }
  for (const name of ["lab-one", "lab-two", "lab-three"]) await createLaunchTemplate(name);
  await createLaunchTemplate("base-lab", { isBase: true });
  await database.db().class.create({ data: { slug: "net-2b", title: "Networks 2B", teachers: { create: [{ userId: people.teacherA!.userId }] } } });
  await database.db().class.create({ data: { slug: "b-class", title: "B class", teachers: { create: [{ userId: people.teacherB!.userId }] } } });
});

beforeEach(() => {
  session.identity = null;
});

describe("the catalogs API", () => {
  it("creates (201 with Location), reads, lists, replaces, patches, reorders and deletes a catalog", async () => {
    const created = await api("POST", "/api/v1/catalogs", { body });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/api/v1/catalogs/networks-2b");
    expect(created.body).toMatchObject({ slug: "networks-2b", owner: "api-teachera", classes: [{ slug: "net-2b" }], items: [{ template: "lab-one", note: "use this for lab 3", hidden: false }, { template: "lab-two", note: "" }] });

    expect((await api("GET", "/api/v1/catalogs/{slug}", { slug: "networks-2b" })).body).toMatchObject({ title: "Networks 2B" });
    expect(((await api("GET", "/api/v1/catalogs")).body.catalogs as { slug: string }[]).map((c) => c.slug)).toEqual(["networks-2b"]);

    const replaced = await api("PUT", "/api/v1/catalogs/{slug}", { slug: "networks-2b", body: { ...body, description: "Term 1" } });
    expect(replaced).toMatchObject({ status: 200, body: { slug: "networks-2b", description: "Term 1", changed: ["description"] } });
    const patched = await api("PATCH", "/api/v1/catalogs/{slug}", { slug: "networks-2b", body: { title: "Networks 2B, term 1" } });
    expect(patched.body).toMatchObject({ title: "Networks 2B, term 1", changed: ["title"] });
    const reordered = await api("PUT", "/api/v1/catalogs/{slug}/items", { slug: "networks-2b", body: { items: [{ template: "lab-three" }, { template: "lab-two", note: "then this" }, { template: "lab-one" }] } });
    expect(reordered.body).toMatchObject({ changed: ["items"], items: [{ template: "lab-three" }, { template: "lab-two", note: "then this" }, { template: "lab-one", note: "" }] });
    const actions = (await database.db().auditEvent.findMany({ where: { action: { startsWith: "catalog." } }, orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["catalog.create", "catalog.update", "catalog.update", "catalog.update"]);

    await api("POST", "/api/v1/catalogs", { body: { title: "To delete", items: [] } });
    expect((await api("DELETE", "/api/v1/catalogs/{slug}", { slug: "to-delete" })).status).toBe(204);
    expect((await api("GET", "/api/v1/catalogs/{slug}", { slug: "to-delete" })).status).toBe(404);
  });

  it("answers each caller by their rights: 401 without credentials, 403 for a student, 404 for another teacher's catalog, everything for an admin; nothing changes when refused", async () => {
    const calls: [string, string, { slug?: string; body?: unknown }][] = [
      ["GET", "/api/v1/catalogs", {}],
      ["POST", "/api/v1/catalogs", { body: { ...body, title: "Rights", classes: [] } }],
      ["GET", "/api/v1/catalogs/{slug}", { slug: "networks-2b" }],
      ["PUT", "/api/v1/catalogs/{slug}", { slug: "networks-2b", body: { ...body, title: "Taken" } }],
      ["PATCH", "/api/v1/catalogs/{slug}", { slug: "networks-2b", body: { title: "Taken" } }],
      ["PUT", "/api/v1/catalogs/{slug}/items", { slug: "networks-2b", body: { items: [] } }],
      ["DELETE", "/api/v1/catalogs/{slug}", { slug: "networks-2b" }],
    ];
    const before = await snapshot();
    for (const [method, path, options] of calls) {
      expect((await api(method, path, { ...options, as: "nobody" })).status, `${method} ${path}`).toBe(401);
      expect((await api(method, path, { ...options, as: "student" })).body.code, `${method} ${path}`).toBe("FORBIDDEN");
      if (options.slug) expect((await api(method, path, { ...options, as: "teacherB" })).status, `${method} ${path}`).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
    expect(((await api("GET", "/api/v1/catalogs", { as: "teacherB" })).body.catalogs as unknown[]).length).toBe(0);
    const all = await api("GET", "/api/v1/catalogs", { as: "admin" });
    expect((all.body.catalogs as { slug: string; owner: string }[]).map((c) => [c.slug, c.owner])).toEqual([["networks-2b", "api-teachera"]]);
    const byAdmin = await api("PATCH", "/api/v1/catalogs/{slug}", { as: "admin", slug: "networks-2b", body: { classes: ["net-2b", "b-class"] } });
    expect(byAdmin).toMatchObject({ status: 200, body: { changed: ["classes"] } });
  });

  it("refuses bad bodies at their fields (409 for a slug taken, 413 over 64 kB) and changes nothing", async () => {
    const before = await snapshot();
    const cases: [string, string, string | undefined, unknown, number, string, RegExp][] = [
      ["POST", "/api/v1/catalogs", undefined, { ...body, title: 7 }, 400, "title", /Enter text/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, title: "t".repeat(101) }, 400, "title", /At most 100/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, title: "a\u0000b" }, 400, "title", /NUL/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, slug: "<script>" }, 400, "slug", /lowercase/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, slug: "'; DROP TABLE catalogs;--" }, 400, "slug", /lowercase/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, slug: "{{ x }}" }, 400, "slug", /lowercase/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, title: "Other", slug: "networks-2b" }, 409, "slug", /taken/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, classes: ["b-class"] }, 400, "classes.0", /do not teach/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, title: "X", items: [{ template: "base-lab" }] }, 400, "items.0.template", /base template/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, title: "X", items: [{ template: "nope" }] }, 400, "items.0.template", /No template named/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, items: [{ template: "lab-one" }, { template: "lab-one" }] }, 400, "items.1.template", /twice/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, items: Array.from({ length: 101 }, (_, i) => ({ template: `t-${i}` })) }, 400, "items", /At most 100/],
      ["POST", "/api/v1/catalogs", undefined, { ...body, sneaky: true }, 400, "sneaky", /not a field/],
      ["POST", "/api/v1/catalogs", undefined, "not json", 400, "", /not valid JSON/],
      ["POST", "/api/v1/catalogs", undefined, "[1]", 400, "", /JSON object/],
      ["POST", "/api/v1/catalogs", undefined, JSON.stringify({ ...body, description: "d".repeat(70_000) }), 413, "", /larger than 64 kB/],
      ["PUT", "/api/v1/catalogs/{slug}/items", "networks-2b", { items: [{ template: "lab-one", note: "n".repeat(301) }] }, 400, "items.0.note", /At most 300/],
      ["PUT", "/api/v1/catalogs/{slug}/items", "networks-2b", { items: "lab-one" }, 400, "items", /list/],
      ["PUT", "/api/v1/catalogs/{slug}/items", "networks-2b", {}, 400, "items", /Required/],
      ["PATCH", "/api/v1/catalogs/{slug}", "networks-2b", { groups: [""] }, 400, "groups.0", /Enter a group/],
      ["PATCH", "/api/v1/catalogs/{slug}", "networks-2b", { slug: "new" }, 400, "slug", /reserved/],
      ["PUT", "/api/v1/catalogs/{slug}", "networks-2b", { items: [] }, 400, "title", /Required/],
      ["PUT", "/api/v1/catalogs/{slug}", "networks-2b", { title: "Other", slug: "to-delete" }, 409, "slug", /deleted catalog/],
      ["PATCH", "/api/v1/catalogs/{slug}", "networks-2b", { slug: "to-delete" }, 409, "slug", /deleted catalog/],
      ["PUT", "/api/v1/catalogs/{slug}", "networks-2b", JSON.stringify({ ...body, description: "d".repeat(70_000) }), 413, "", /larger than 64 kB/],
      ["PATCH", "/api/v1/catalogs/{slug}", "networks-2b", JSON.stringify({ description: "d".repeat(70_000) }), 413, "", /larger than 64 kB/],
      ["PUT", "/api/v1/catalogs/{slug}/items", "networks-2b", JSON.stringify({ items: [{ template: "x".repeat(70_000) }] }), 413, "", /larger than 64 kB/],
    ];
    for (const [method, path, slug, sent, status, field, message] of cases) {
      const shown = (typeof sent === "string" ? sent : JSON.stringify(sent)).slice(0, 100);
      const response = await api(method, path, { slug, body: sent });
      expect(response.status, shown).toBe(status);
      const said = field ? response.body.fields?.[field]?.join(" ") : `${response.body.error}`;
      expect(said, `${shown} → ${JSON.stringify(response.body).slice(0, 300)}`).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a cookie-authenticated change sent by another site, and accepts one from its own pages", async () => {
    const before = await snapshot();
    const refused = await api("PATCH", "/api/v1/catalogs/{slug}", { cookie: people.teacherA, headers: { "sec-fetch-site": "cross-site" }, slug: "networks-2b", body: { title: "CSRF" } });
    expect(refused).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
    expect(await snapshot()).toEqual(before);
    const own = await api("PATCH", "/api/v1/catalogs/{slug}", { cookie: people.teacherA, headers: { origin: API_ORIGIN, "sec-fetch-site": "same-origin" }, slug: "networks-2b", body: { title: "Own page" } });
    expect(own.status, own.text).toBe(200);
  });

  it("has answered every status the document lists for these paths", () => {
    expect(checker.unseen("/api/v1/catalogs")).toEqual([]);
  });
});
