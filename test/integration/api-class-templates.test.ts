import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as classTemplateRoute from "@/app/api/v1/class-templates/[name]/route";
import * as classTemplatesRoute from "@/app/api/v1/class-templates/route";
import type { Identity } from "@/lib/domain/identity";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser } from "@/test/support/launch";
import { updateTemplateSettings } from "@/lib/services/templates/update-settings";
import { getTemplateDetail } from "@/lib/services/templates/get-detail";
import { toSettingsInput } from "@/lib/domain/template-settings";
import { routeCaller } from "@/test/support/route-caller";

/**
 * The class templates REST API, route handlers called as Next calls them, against the real database with
 * real personal tokens. Every answer is checked against the served OpenAPI document (its status listed, its
 * body valid against the schema by Ajv), and every answer the document lists for `/api/v1/class-templates…`
 * must have been seen by the end. Only next-auth's session lookup is replaced, for the CSRF check.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));

allowLaunching();
const database = setupTestDatabase();

const ROUTES: Record<string, Record<string, unknown>> = {
  "/api/v1/class-templates": classTemplatesRoute,
  "/api/v1/class-templates/{name}": classTemplateRoute,
};

type Who = "admin" | "teacherA" | "teacherB" | "student" | "nobody";
const tokens: Partial<Record<Who, string>> = {};
const { api, checker } = routeCaller<Who>({ routes: ROUTES, tokens, anonymous: "nobody", caller: "teacherA", session });
const people: Partial<Record<Who, Identity>> = {};

async function snapshot() {
  const client = database.db();
  const [templates, versions, audit] = await Promise.all([
    client.template.findMany({ orderBy: { name: "asc" } }),
    client.templateVersion.findMany({ orderBy: [{ templateId: "asc" }, { version: "asc" }] }),
    client.auditEvent.findMany({ where: { action: { startsWith: "class-template." } }, orderBy: { id: "asc" } }),
  ]);
  return { templates, versions, audit };
}

const body = {
  name: "api-shell",
  base: "api-base",
  displayName: "API shell",
  parameters: { type: "object", properties: { tag: { type: "string", default: "2.0" } } },
  values: "image:\n  tag: '{{ params.tag }}'\n",
};

beforeAll(async () => {
  for (const [who, roles] of [["admin", ["admin"]], ["teacherA", ["teacher"]], ["teacherB", ["teacher"]], ["student", ["student"]]] as const) {
    people[who] = await createUser({ name: `api-${who.toLowerCase()}`, roles: [...roles] });
    tokens[who] = (await createApiToken(people[who], { name: "script" })).token;
  }
  await createLaunchTemplate("api-base", { isBase: true, spec: { valuesTemplate: "image:\n  repository: safe/app\n  tag: '1.0'\n" } });
  await createLaunchTemplate("api-closed", { isBase: true });
  const detail = await getTemplateDetail(people.admin!, { name: "api-base" });
  await updateTemplateSettings(people.admin!, { name: "api-base", settings: toSettingsInput({ ...detail.settings, teacherExtensible: true, teacherValuePaths: ["image.tag", "resources.*"] }) });
});

beforeEach(() => {
  session.identity = null;
});

describe("the class templates API", () => {
  it("creates (201 with Location), reads, lists, patches and deletes a class template, audited", async () => {
    const created = await api("POST", "/api/v1/class-templates", { body });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get("location")).toBe("/api/v1/class-templates/api-shell");
    expect(created.body).toMatchObject({ name: "api-shell", base: "api-base", owner: "api-teachera", version: 1, allowedPaths: ["image.tag", "resources.*"], baseOpen: true });
    expect((await api("GET", "/api/v1/class-templates/{name}", { name: "api-shell" })).body).toMatchObject({ displayName: "API shell" });
    expect(((await api("GET", "/api/v1/class-templates")).body.classTemplates as { name: string }[]).map((t) => t.name)).toEqual(["api-shell"]);
    const patched = await api("PATCH", "/api/v1/class-templates/{name}", { name: "api-shell", body: { description: "Lab 2", values: "image:\n  tag: '{{ params.tag }}'\nresources:\n  limits:\n    cpu: 1\n" } });
    expect(patched).toMatchObject({ status: 200, body: { changed: ["description", "values"], version: 2 } });
    await api("POST", "/api/v1/class-templates", { body: { ...body, name: "api-gone" } });
    expect((await api("DELETE", "/api/v1/class-templates/{name}", { name: "api-gone" })).status).toBe(204);
    expect((await api("GET", "/api/v1/class-templates/{name}", { name: "api-gone" })).status).toBe(404);
    const actions = (await database.db().auditEvent.findMany({ where: { action: { startsWith: "class-template." } }, orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["class-template.create", "class-template.update", "class-template.create", "class-template.delete"]);
  });

  it("answers each caller by their rights: 401, 403 for a student, 404 for another teacher's, everything for an admin; nothing changes when refused", async () => {
    const calls: [string, string, { name?: string; body?: unknown }][] = [
      ["GET", "/api/v1/class-templates", {}],
      ["POST", "/api/v1/class-templates", { body: { ...body, name: "rights" } }],
      ["GET", "/api/v1/class-templates/{name}", { name: "api-shell" }],
      ["PATCH", "/api/v1/class-templates/{name}", { name: "api-shell", body: { displayName: "Taken" } }],
      ["DELETE", "/api/v1/class-templates/{name}", { name: "api-shell" }],
    ];
    const before = await snapshot();
    for (const [method, path, options] of calls) {
      expect((await api(method, path, { ...options, as: "nobody" })).status, `${method} ${path}`).toBe(401);
      expect((await api(method, path, { ...options, as: "student" })).body.code, `${method} ${path}`).toBe("FORBIDDEN");
      if (options.name) expect((await api(method, path, { ...options, as: "teacherB" })).status, `${method} ${path}`).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
    expect(((await api("GET", "/api/v1/class-templates", { as: "teacherB" })).body.classTemplates as unknown[]).length).toBe(0);
    const all = await api("GET", "/api/v1/class-templates", { as: "admin" });
    expect((all.body.classTemplates as { name: string; owner: string }[]).map((t) => [t.name, t.owner])).toEqual([["api-shell", "api-teachera"]]);
    expect((await api("PATCH", "/api/v1/class-templates/{name}", { as: "admin", name: "api-shell", body: { category: "labs" } })).body).toMatchObject({ changed: ["category"] });
  });

  it("refuses bad bodies at their fields (409 for a name taken, 413 over 64 kB) and changes nothing", async () => {
    const before = await snapshot();
    const cases: [string, string, string | undefined, unknown, number, string, RegExp][] = [
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "x1", values: "securityContext:\n  privileged: true\n" }, 400, "values", /`securityContext.privileged` is not one of the paths this base lets teachers change: image.tag, resources.\*/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "x2", values: "resources: big" }, 400, "values", /`resources` is not one/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "x3", values: "image:\n  tag:\n    x: 1" }, 400, "values", /`image.tag.x`/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "x4", base: "api-closed" }, 400, "base", /not open to teachers/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "x5", base: "api-shell" }, 400, "base", /not a base template/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "x6", base: "api-gone" }, 400, "base", /No base template/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "api-shell" }, 409, "name", /taken/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "api-gone" }, 409, "name", /deleted template/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "Ünïcode" }, 400, "name", /lowercase/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "x7", displayName: 7 }, 400, "displayName", /Enter text/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "x8", parameters: [] }, 400, "parameters", /JSON Schema object/],
      ["POST", "/api/v1/class-templates", undefined, { ...body, name: "x9", valueFiles: ["x"] }, 400, "valueFiles", /not a field/],
      ["POST", "/api/v1/class-templates", undefined, { base: "api-base" }, 400, "name", /Required/],
      ["POST", "/api/v1/class-templates", undefined, "not json", 400, "", /not valid JSON/],
      ["POST", "/api/v1/class-templates", undefined, JSON.stringify({ ...body, name: "big", values: `image:\n  tag: "${"x".repeat(70_000)}"` }), 413, "", /larger than 64 kB/],
      ["PATCH", "/api/v1/class-templates/{name}", "api-shell", { values: "{% if true %}a: 1{% endif %}" }, 400, "values", /outputs only/],
      ["PATCH", "/api/v1/class-templates/{name}", "api-shell", { base: "api-closed" }, 400, "base", /not a field/],
      ["PATCH", "/api/v1/class-templates/{name}", "api-shell", { icon: "rocket" }, 400, "icon", /icons/],
      ["PATCH", "/api/v1/class-templates/{name}", "api-shell", JSON.stringify({ description: "d".repeat(70_000) }), 413, "", /larger than 64 kB/],
    ];
    for (const [method, path, name, sent, status, field, message] of cases) {
      const shown = (typeof sent === "string" ? sent : JSON.stringify(sent)).slice(0, 100);
      const response = await api(method, path, { name, body: sent });
      expect(response.status, shown).toBe(status);
      const said = field ? response.body.fields?.[field]?.join(" ") : `${response.body.error}`;
      expect(said, `${shown} → ${JSON.stringify(response.body).slice(0, 300)}`).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a cookie-authenticated change sent by another site", async () => {
    const before = await snapshot();
    const refused = await api("PATCH", "/api/v1/class-templates/{name}", { cookie: people.teacherA, headers: { "sec-fetch-site": "cross-site" }, name: "api-shell", body: { displayName: "CSRF" } });
    expect(refused).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
    expect(await snapshot()).toEqual(before);
  });

  it("has answered every status the document lists for these paths", () => {
    expect(checker.unseen("/api/v1/class-templates")).toEqual([]);
  });
});
