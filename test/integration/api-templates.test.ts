import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as annotationRoute from "@/app/api/v1/templates/[name]/annotations/[...key]/route";
import * as annotationsRoute from "@/app/api/v1/templates/[name]/annotations/route";
import * as labelRoute from "@/app/api/v1/templates/[name]/labels/[...key]/route";
import * as labelsRoute from "@/app/api/v1/templates/[name]/labels/route";
import * as restoreRoute from "@/app/api/v1/templates/[name]/restore/route";
import * as templateRoute from "@/app/api/v1/templates/[name]/route";
import * as specRoute from "@/app/api/v1/templates/[name]/spec/route";
import * as versionRoute from "@/app/api/v1/templates/[name]/versions/[version]/route";
import * as versionsRoute from "@/app/api/v1/templates/[name]/versions/route";
import * as templatesRoute from "@/app/api/v1/templates/route";
import type { Identity } from "@/lib/domain/identity";
import { launchInstance } from "@/lib/services/instances/launch";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser } from "@/test/support/launch";
import { API_ORIGIN, routeCaller, type CallOptions } from "@/test/support/route-caller";

/**
 * The templates REST API, route handlers called as Next calls them, against the real database and real
 * personal tokens. Every answer is checked against the OpenAPI document the portal serves (status listed,
 * body valid against its schema), and at the end every answer the document lists for these paths must have
 * been seen. Only the next-auth session lookup is replaced (it needs Next's request scope): a session cookie
 * means "signed in as `session.identity`".
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null, lookups: 0 }));
vi.mock("@/lib/auth/session", () => ({
  getIdentity: async () => {
    session.lookups++;
    return session.identity;
  },
}));

allowLaunching();
const database = setupTestDatabase();

const seedYaml = readFileSync(path.join(import.meta.dirname, "../fixtures/dploy/webterm.yaml"), "utf8");

const ROUTES: Record<string, Record<string, unknown>> = {
  "/api/v1/templates": templatesRoute,
  "/api/v1/templates/{name}": templateRoute,
  "/api/v1/templates/{name}/spec": specRoute,
  "/api/v1/templates/{name}/versions": versionsRoute,
  "/api/v1/templates/{name}/versions/{version}": versionRoute,
  "/api/v1/templates/{name}/restore": restoreRoute,
  "/api/v1/templates/{name}/labels": labelsRoute,
  "/api/v1/templates/{name}/labels/{key}": labelRoute,
  "/api/v1/templates/{name}/annotations": annotationsRoute,
  "/api/v1/templates/{name}/annotations/{key}": annotationRoute,
};

type Who = "admin" | "teacher" | "student" | "nobody";
const tokens: Partial<Record<Who, string>> = {};
const { api, checker } = routeCaller<Who>({ routes: ROUTES, tokens, anonymous: "nobody", caller: "admin", session });
const people: Partial<Record<Who, Identity>> = {};

/** Everything a refused call must leave as it was. */
async function snapshot() {
  const client = database.db();
  const [templates, versions, audit, instances] = await Promise.all([
    client.template.findMany({ orderBy: { name: "asc" } }),
    client.templateVersion.findMany({ orderBy: [{ templateId: "asc" }, { version: "asc" }] }),
    client.auditEvent.findMany({ orderBy: { id: "asc" } }),
    client.instance.findMany({ orderBy: { uuid: "asc" } }),
  ]);
  return { templates, versions, audit, instances };
}

async function auditOf(action: string, name: string) {
  const template = await database.db().template.findUniqueOrThrow({ where: { name } });
  return database.db().auditEvent.findMany({ where: { action, objectId: template.id }, orderBy: { id: "asc" } });
}

const chart = { type: "helm", repoUrl: "https://charts.example.test", chart: "demo", revision: "1.0.0" };
const spec = (valuesTemplate = "host: {{ host }}\nuser: {{ owner }}\n") => ({ chart, valuesTemplate, valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" });

beforeAll(async () => {
  for (const [who, roles] of [["admin", ["admin"]], ["teacher", ["teacher"]], ["student", ["student"]]] as const) {
    people[who] = await createUser({ name: `api-${who}`, roles: [...roles] });
    tokens[who] = (await createApiToken(people[who], { name: "script" })).token;
  }
  await createLaunchTemplate("lab", { displayName: "Lab", category: "labs,linux", ttlSeconds: 3600 });
  await createLaunchTemplate("hidden-lab", { displayName: "Hidden lab", visible: false });
  await createLaunchTemplate("base-lab", { isBase: true });
  await createLaunchTemplate("child-lab", { spec: { extends: "base-lab" } });
});

beforeEach(() => {
  session.identity = null;
  session.lookups = 0;
});

describe("creating", () => {
  it("from fields and a spec: 201 with the template and where it is, audited, and fields left out take a new template's defaults", async () => {
    const created = await api("POST", "/api/v1/templates", {
      body: { name: "api-made", displayName: "Made by API ✓", labels: { "example.com/app": "web" }, method: "on_demand", ttlSeconds: 7200, spec: spec() },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/api/v1/templates/api-made");
    expect(created.body).toMatchObject({ name: "api-made", displayName: "Made by API ✓", labels: { "example.com/app": "web" }, ttlSeconds: 7200, enabled: true, icon: "default", version: 1, validationError: null });
    expect((await auditOf("template.create", "api-made"))[0]).toMatchObject({ actorId: people.admin!.userId, before: null, after: { name: "api-made", ttlSeconds: 7200 } });
  });

  it("from a starter, as a copy and from a file, with the use cases the admin pages use", async () => {
    const starter = await api("POST", "/api/v1/templates", { body: { from: "starter", starter: "webterm", name: "api-term", displayName: "Terminal" } });
    expect(starter).toMatchObject({ status: 201, body: { name: "api-term", displayName: "Terminal" } });
    const copy = await api("POST", "/api/v1/templates", { body: { from: "duplicate", source: "lab", name: "lab-copy" } });
    expect(copy).toMatchObject({ status: 201, body: { name: "lab-copy", displayName: "Lab (copy)", category: "labs,linux", ttlSeconds: 3600 } });
    const imported = await api("POST", "/api/v1/templates", { body: { from: "import", yaml: seedYaml, name: "api-webterm" } });
    expect(imported).toMatchObject({ status: 201, body: { name: "api-webterm", displayName: "Web Terminal", ttlSeconds: 86400 } });
    expect((await auditOf("template.import", "api-webterm"))[0]).toMatchObject({ after: { format: "dploy" } });
    expect((await auditOf("template.duplicate", "lab-copy"))[0]).toMatchObject({ after: { source: { name: "lab", version: 1 } } });
  });

  it("refuses bad bodies with 400 at their fields (409 for a taken name, 413 over 2 MiB), and saves nothing", async () => {
    await api("DELETE", "/api/v1/templates/{name}", { params: { name: "lab-copy" }, query: "environments=keep" });
    const before = await snapshot();
    const fields = (extra: Record<string, unknown>) => ({ name: "ok-name", displayName: "OK", spec: spec(), ...extra });
    const cases: [unknown, number, string, RegExp][] = [
      [fields({ name: 42 }), 400, "name", /required/],
      [fields({ name: "Upper" }), 400, "name", /lowercase/],
      [fields({ name: "wébterm" }), 400, "name", /lowercase/],
      [fields({ name: "x'; DROP TABLE templates;--" }), 400, "name", /lowercase/],
      [fields({ name: "<b>x</b>" }), 400, "name", /lowercase/],
      [fields({ name: "a".repeat(41) }), 400, "name", /at most 40/],
      [fields({ name: "new" }), 400, "name", /reserved/],
      [fields({ name: "import" }), 400, "name", /reserved/],
      [fields({ name: "export" }), 400, "name", /reserved/],
      [fields({ name: "lab" }), 409, "name", /taken by another template/],
      [fields({ name: "lab-copy" }), 409, "name", /deleted template/],
      [fields({ displayName: "x".repeat(101) }), 400, "displayName", /At most 100/],
      [fields({ displayName: "a\u0007b" }), 400, "displayName", /printable/],
      [fields({ displayName: "a\u202Eb" }), 400, "displayName", /printable/],
      [fields({ displayName: ["x"] }), 400, "displayName", /Enter text/],
      [fields({ ttlSeconds: "3600" }), 400, "ttlSeconds", /whole number/],
      [fields({ ttlSeconds: 30 }), 400, "ttlSeconds", /1 minute/],
      [fields({ poolSize: 101 }), 400, "poolSize", /from 0 to 100/],
      [fields({ poolSize: 1.5 }), 400, "poolSize", /whole number/],
      [fields({ method: "pool", poolSize: 5, poolMaxSize: 2 }), 400, "poolMaxSize", /At least the pool size/],
      [fields({ icon: "skull" }), 400, "icon", /icons/],
      [fields({ labels: { "bad key": "v" } }), 400, "labels.bad key", /letters, digits/],
      [fields({ labels: { "Example.com/app": "v" } }), 400, "labels.Example.com/app", /DNS name/],
      [fields({ labels: { app: "has space" } }), 400, "labels.app", /letters, digits/],
      [fields({ annotations: { note: "two\nlines" } }), 400, "annotations.note", /printable/],
      [fields({ isAdmin: true }), 400, "isAdmin", /not a field/],
      [fields({ spec: { ...spec(), chart: { ...chart, repoUrl: "file:///etc/passwd" } } }), 400, "spec.chart.repoUrl", /URL/],
      [fields({ spec: { ...spec(), valueTemplate: "typo" } }), 400, "spec.valueTemplate", /not a field/],
      [fields({ spec: { ...spec(), chart: { ...chart, token: "x" } } }), 400, "spec.chart.token", /not a field/],
      [fields({ spec: "chart: x" }), 400, "spec", /object/],
      [fields({ spec: undefined }), 400, "spec", /expected object/],
      [fields({ spec: spec("{{ nope }}") }), 400, "", /nope/],
      [{ from: "kubernetes", name: "ok-name" }, 400, "from", /Choose how to create it/],
      [{ from: "starter", starter: "minecraft", name: "ok-name", displayName: "X" }, 400, "starter", /Invalid option/],
      [{ from: "starter", starter: "webterm", name: "ok-name", displayName: "X", spec: spec() }, 400, "spec", /not a field/],
      [{ from: "duplicate", source: "no-such", name: "ok-name" }, 404, "", /no template named "no-such"/],
      [{ from: "duplicate", source: "lab", name: "ok-name", displayName: "" }, 400, "displayName", /display name/],
      [{ from: "import", yaml: 42 }, 400, "yaml", /expected string/],
      [{ from: "import", yaml: "kind: [" }, 400, "yaml", /line 1/],
      [{ from: "import", yaml: seedYaml, name: "lab" }, 409, "name", /taken/],
      ["name=ok-name", 400, "", /not valid JSON/],
      ["[1, 2]", 400, "", /must be a JSON object/],
      ["null", 400, "", /must be a JSON object/],
      ["", 400, "", /must be a JSON object/],
      [JSON.stringify(fields({ description: "x".repeat(2 * 1024 * 1024) })), 413, "", /larger than 2048 kB/],
    ];
    for (const [body, status, field, message] of cases) {
      const shown = (typeof body === "string" ? body : JSON.stringify(body)).slice(0, 100);
      const response = await api("POST", "/api/v1/templates", { body });
      expect(response.status, shown).toBe(status);
      const said = field ? response.body.fields?.[field]?.join(" ") : `${response.body.error} ${JSON.stringify(response.body.fields ?? {})}`;
      expect(said, `${shown} → ${JSON.stringify(response.body).slice(0, 300)}`).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("keeps markup and any language in text fields as the text it is", async () => {
    const text = "<img src=x onerror=alert(1)> Données 名前 ' OR 1=1 --";
    const created = await api("POST", "/api/v1/templates", { body: { name: "markup", displayName: text, description: `${text}\nsecond line`, spec: spec() } });
    expect(created.body).toMatchObject({ displayName: text, description: `${text}\nsecond line` });
    expect((await api("GET", "/api/v1/templates/{name}", { params: { name: "markup" } })).body.displayName).toBe(text);
  });
});

describe("reading", () => {
  it("gives admins every setting, and anyone else who may launch a template what its launch page shows", async () => {
    const admin = await api("GET", "/api/v1/templates/{name}", { params: { name: "lab" } });
    expect(admin.body).toMatchObject({ name: "lab", displayName: "Lab", category: "labs,linux", ttlSeconds: 3600, defaultQuota: 5, poolFallback: "on_demand" });
    for (const who of ["student", "teacher"] as const) {
      const view = await api("GET", "/api/v1/templates/{name}", { as: who, params: { name: "lab" } });
      expect(view.body).toMatchObject({ name: "lab", displayName: "Lab", description: "", icon: "default", method: "on_demand", ttlSeconds: 3600, warm: 0, parameters: { type: "object" }, unavailable: null });
      expect(view.body).not.toHaveProperty("labels");
    }
    // Hidden templates are launched by name, so they are read by name too.
    expect((await api("GET", "/api/v1/templates/{name}", { as: "student", params: { name: "hidden-lab" } })).body).toMatchObject({ name: "hidden-lab" });
  });

  it("answers 404 for a base template to students, and for unknown, deleted and hostile names to everyone", async () => {
    expect((await api("GET", "/api/v1/templates/{name}", { as: "student", params: { name: "base-lab" } })).status).toBe(404);
    expect((await api("GET", "/api/v1/templates/{name}", { params: { name: "base-lab" } })).body).toMatchObject({ isBase: true });
    for (const name of ["no-such", "lab-copy", "../lab", "LAB", "lab\u0000", "x".repeat(5000), "lab'; DROP TABLE templates;--", "ｌａｂ", ""]) {
      for (const who of ["admin", "student"] as const) {
        expect((await api("GET", "/api/v1/templates/{name}", { as: who, params: { name } })).status, `${who} ${name.slice(0, 20)}`).toBe(404);
      }
      expect((await api("GET", "/api/v1/templates/{name}/spec", { params: { name } })).status).toBe(404);
    }
  });

  it("lists with the admin list's filters; a wrong filter is refused rather than ignored", async () => {
    const names = async (query: string) => {
      const response = await api("GET", "/api/v1/templates", { query });
      expect(response.status, query).toBe(200);
      return (response.body.templates as { name: string }[]).map((t) => t.name);
    };
    const all = await api("GET", "/api/v1/templates");
    expect(all.body).toMatchObject({ truncated: false, totals: { deleted: 1 }, categories: expect.arrayContaining(["labs", "learning"]) });
    expect(await names("q=web%20terminal")).toContain("api-webterm");
    expect(await names("state=base")).toEqual(["base-lab"]);
    expect(await names("category=labs")).toEqual(["lab"]);
    expect(await names("deleted=true")).toEqual(["lab-copy"]);
    expect(await names("owner=class")).toEqual([]);
    expect(await names("q=%27%20OR%201%3D1%20--")).toEqual(["markup"]);
    expect(await names("q=%3Cscript%3E")).toEqual([]);
    const pools = await api("GET", "/api/v1/templates", { query: "method=pool&state=enabled" });
    expect((pools.body.templates as { method: string; enabled: boolean }[]).every((t) => t.method === "pool" && t.enabled)).toBe(true);

    const cases: [string, string, RegExp][] = [
      ["state=broken", "state", /Invalid option/],
      ["method=ondemand", "method", /Invalid option/],
      ["owner=me", "owner", /Invalid option/],
      ["deleted=1", "deleted", /Invalid option/],
      [`q=${"x".repeat(101)}`, "q", /100/],
      ["sort=name", "sort", /not a field/],
      ["q=a&q=b", "q", /more than once/],
      ["q=%00", "q", /NUL/],
    ];
    for (const [query, field, message] of cases) {
      const response = await api("GET", "/api/v1/templates", { query });
      expect(response.status, query).toBe(400);
      expect(response.body.fields?.[field]?.join(" "), query).toMatch(message);
    }
  });
});

describe("changing settings", () => {
  it("changes only what the body names, audited with those settings before and after", async () => {
    const before = (await api("GET", "/api/v1/templates/{name}", { params: { name: "api-made" } })).body;
    const changed = await api("PATCH", "/api/v1/templates/{name}", { params: { name: "api-made" }, body: { displayName: "Renamed", ttlMaxExtends: 5 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ changed: ["displayName", "ttlMaxExtends"], impact: { needsConfirmation: false } });
    expect(changed.body.template).toEqual({ ...before, displayName: "Renamed", ttlMaxExtends: 5 });
    expect((await auditOf("template.settings", "api-made")).at(-1)).toMatchObject({
      actorId: people.admin!.userId,
      before: { displayName: "Made by API ✓", ttlMaxExtends: 3 },
      after: { displayName: "Renamed", ttlMaxExtends: 5 },
    });
    const audits = (await auditOf("template.settings", "api-made")).length;
    const unchanged = await api("PATCH", "/api/v1/templates/{name}", { params: { name: "api-made" }, body: {} });
    expect(unchanged.body).toMatchObject({ changed: [], template: { displayName: "Renamed" } });
    expect(await auditOf("template.settings", "api-made")).toHaveLength(audits);
  });

  it("turns teacher access on and off, off by default, and leaves it alone when a change does not name it", async () => {
    expect((await api("GET", "/api/v1/templates/{name}", { params: { name: "api-made" } })).body).toMatchObject({ teacherAccess: false });
    const on = await api("PATCH", "/api/v1/templates/{name}", { params: { name: "api-made" }, body: { teacherAccess: true } });
    expect(on).toMatchObject({ status: 200, body: { changed: ["teacherAccess"], template: { teacherAccess: true } } });
    const other = await api("PATCH", "/api/v1/templates/{name}", { params: { name: "api-made" }, body: { description: "Still open to teachers" } });
    expect(other.body).toMatchObject({ changed: ["description"], template: { teacherAccess: true } });
    expect((await auditOf("template.settings", "api-made")).at(-2)).toMatchObject({ before: { teacherAccess: false }, after: { teacherAccess: true } });
    expect((await api("PATCH", "/api/v1/templates/{name}", { params: { name: "api-made" }, body: { teacherAccess: false } })).body).toMatchObject({ template: { teacherAccess: false } });
  });

  it("asks for a confirmation (409, with what it would end) before a change that ends something, and makes it with one", async () => {
    await launchInstance(people.student!, { template: "lab" });
    const before = await snapshot();
    const refused = await api("PATCH", "/api/v1/templates/{name}", { params: { name: "lab" }, body: { enabled: false } });
    expect(refused).toMatchObject({ status: 409, body: { code: "CONFLICT", fields: { confirm: [expect.stringMatching(/can no longer launch it; 1 running environment is not touched/)] } } });
    expect(await snapshot()).toEqual(before);
    const confirmed = await api("PATCH", "/api/v1/templates/{name}", { params: { name: "lab" }, body: { enabled: false, confirm: true } });
    expect(confirmed).toMatchObject({ status: 200, body: { changed: ["enabled"], impact: { needsConfirmation: true }, template: { enabled: false } } });
    expect((await api("PATCH", "/api/v1/templates/{name}", { params: { name: "lab" }, body: { enabled: true } })).status).toBe(200);
  });

  it("refuses bad changes at their fields, a base template's launch settings, and changes nothing", async () => {
    const before = await snapshot();
    const cases: [string, unknown, number, string, RegExp][] = [
      ["lab", { ttlSeconds: -2 }, 400, "ttlSeconds", /Unlimited/],
      ["lab", { ttlSeconds: 1e12 }, 400, "ttlSeconds", /Unlimited/],
      ["lab", { enabled: "false" }, 400, "enabled", /true or false/],
      ["lab", { teacherAccess: "true" }, 400, "teacherAccess", /^Use true or false\.$/],
      ["lab", { teacherAccess: null }, 400, "teacherAccess", /^Use true or false\.$/],
      ["lab", { teacherAccess: 1 }, 400, "teacherAccess", /^Use true or false\.$/],
      ["base-lab", { teacherAccess: true }, 400, "teacherAccess", /base template/],
      ["lab", { confirm: "yes" }, 400, "confirm", /expected boolean/],
      ["lab", { displayName: "" }, 400, "displayName", /display name/],
      ["lab", { displayName: null }, 400, "displayName", /Enter text/],
      ["lab", { name: "renamed" }, 400, "name", /not a field/],
      ["lab", { version: 9 }, 400, "version", /not a field/],
      ["lab", { poolSize: 3, method: "pool", poolMaxSize: 1 }, 400, "poolMaxSize", /At least the pool size/],
      ["lab", { ttlMaxExtends: 2, ttlExtendSeconds: 0 }, 400, "ttlExtendSeconds", /duration/],
      ["lab", { connectionType: "instructions" }, 400, "connectionMessageTemplate", /instructions/],
      ["lab", { connectionType: "instructions", connectionMessageTemplate: "ssh {{ nope }}" }, 400, "connectionMessageTemplate", /nope/],
      ["lab", { labels: { "a/b/c": "x" } }, 400, "labels.a/b/c", /at most one/],
      ["lab", { labels: ["app"] }, 400, "labels", /map/],
      ["lab", { annotations: { note: "x".repeat(4097) } }, 400, "annotations.note", /4096/],
      ["lab", { category: "a,b,c" }, 400, "category", /at most one comma/],
      ["base-lab", { method: "pool" }, 400, "method", /base template/],
      ["no-such", { displayName: "X" }, 404, "", /no template named/],
      ["lab", JSON.stringify({ description: "x".repeat(70_000) }), 413, "", /64 kB/],
      ["lab", "{\"displayName\": ", 400, "", /not valid JSON/],
    ];
    for (const [name, body, status, field, message] of cases) {
      const shown = `${name} ${(typeof body === "string" ? body : JSON.stringify(body)).slice(0, 80)}`;
      const response = await api("PATCH", "/api/v1/templates/{name}", { params: { name }, body });
      expect(response.status, shown).toBe(status);
      expect(field ? response.body.fields?.[field]?.join(" ") : response.body.error, `${shown} → ${JSON.stringify(response.body).slice(0, 300)}`).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe("the spec and its versions", () => {
  it("saves a new version with its message, none for an unchanged spec, and reads every version", async () => {
    const current = await api("GET", "/api/v1/templates/{name}/spec", { params: { name: "api-made" } });
    expect(current.body).toEqual({ version: 1, spec: spec() });
    const next = spec("host: {{ host }}\nuser: {{ owner }}\nsize: 2\n");
    const saved = await api("PUT", "/api/v1/templates/{name}/spec", { params: { name: "api-made" }, body: { spec: next, message: "Bigger ✓" } });
    expect(saved.body).toEqual({ created: true, version: 2, cascaded: [] });
    expect((await api("PUT", "/api/v1/templates/{name}/spec", { params: { name: "api-made" }, body: { spec: next } })).body).toEqual({ created: false, version: 2, cascaded: [] });
    expect((await auditOf("template.version", "api-made")).at(-1)).toMatchObject({ actorId: people.admin!.userId, before: { version: 1 }, after: { version: 2, spec: { valuesTemplate: next.valuesTemplate } } });

    const versions = await api("GET", "/api/v1/templates/{name}/versions", { params: { name: "api-made" } });
    expect(versions.body.versions).toEqual([
      { version: 2, checksum: expect.any(String), message: "Bigger ✓", author: "api-admin", createdAt: expect.any(String) },
      { version: 1, checksum: expect.any(String), message: "Created", author: "api-admin", createdAt: expect.any(String) },
    ]);
    expect((await api("GET", "/api/v1/templates/{name}/versions/{version}", { params: { name: "api-made", version: "1" } })).body).toMatchObject({ version: 1, message: "Created", spec: spec() });
    for (const version of ["0", "-1", "1.5", "abc", "01", "1e3", "9".repeat(12), ""]) {
      const response = await api("GET", "/api/v1/templates/{name}/versions/{version}", { params: { name: "api-made", version } });
      expect(response.status, version).toBe(400);
      expect(response.body.fields?.version, version).toEqual(["is a whole number from 1"]);
    }
    expect((await api("GET", "/api/v1/templates/{name}/versions/{version}", { params: { name: "api-made", version: "3" } })).status).toBe(404);
    expect((await api("GET", "/api/v1/templates/{name}/versions", { params: { name: "no-such" } })).status).toBe(404);
  });

  it("cascades a base's new version to the templates that extend it", async () => {
    const saved = await api("PUT", "/api/v1/templates/{name}/spec", { params: { name: "base-lab" }, body: { spec: spec("host: {{ host }}\nuser: {{ owner }}\nbase: 2\n") } });
    expect(saved.body).toEqual({ created: true, version: 2, cascaded: [{ name: "child-lab", version: 2 }] });
  });

  it("refuses bad specs and messages at their fields, and saves nothing", async () => {
    const before = await snapshot();
    const cases: [unknown, number, string, RegExp][] = [
      [{ spec: { ...spec(), chart: { type: "svn", repoUrl: "https://x" } } }, 400, "spec.chart.type", /Invalid/],
      [{ spec: { ...spec(), chart: { ...chart, chart: "Bad Chart" } } }, 400, "spec.chart.chart", /lowercase/],
      [{ spec: { ...spec(), chart: { type: "helm", repoUrl: "oci://registry.example/charts", chart: "demo" } } }, 400, "spec.chart.repoUrl", /http/],
      [{ spec: { ...spec(), valueFiles: ["../../etc/passwd"] } }, 400, "spec.valueFiles.0", /without \.\./],
      [{ spec: { ...spec(), ownerClaim: "a b" } }, 400, "spec.ownerClaim", /claim name/],
      [{ spec: { ...spec(), extends: "no-such" } }, 400, "", /no-such/],
      [{ spec: { ...spec(), parameters: { type: "object", properties: { cpus: { type: "integer", minimum: "one" } } } } }, 400, "", /minimum|parameters/],
      [{ spec: spec("host: {{ nope }}\n") }, 400, "", /nope/],
      [{ spec: spec(), message: "x".repeat(501) }, 400, "message", /500/],
      [{ spec: spec(), message: 7 }, 400, "message", /expected string/],
      [{ spec: spec(), author: "someone" }, 400, "author", /not a field/],
      [{}, 400, "spec", /expected object/],
      [{ spec: { ...spec(), valuesTemplate: "x".repeat(300 * 1024) } }, 400, "spec.valuesTemplate", /262144/],
      [JSON.stringify({ spec: { ...spec(), valuesTemplate: "x".repeat(2 * 1024 * 1024 + 1) } }), 413, "", /larger than/],
    ];
    for (const [body, status, field, message] of cases) {
      const shown = (typeof body === "string" ? body : JSON.stringify(body)).slice(0, 100);
      const response = await api("PUT", "/api/v1/templates/{name}/spec", { params: { name: "api-made" }, body });
      expect(response.status, shown).toBe(status);
      const said = field ? response.body.fields?.[field]?.join(" ") : `${response.body.error} ${JSON.stringify(response.body.fields ?? {})}`;
      expect(said, `${shown} → ${JSON.stringify(response.body).slice(0, 300)}`).toMatch(message);
    }
    expect((await api("PUT", "/api/v1/templates/{name}/spec", { params: { name: "no-such" }, body: { spec: spec() } })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});

describe("labels and annotations", () => {
  it("sets (201 new, 200 replaced), reads and removes a label whose key holds a /, sent as %2F or as a plain /, each change audited", async () => {
    const params = { name: "lab" };
    expect(await api("POST", "/api/v1/templates/{name}/labels", { params, body: { key: "example.com/app", value: "web" } })).toMatchObject({ status: 201, body: { key: "example.com/app", value: "web" } });
    expect(await api("POST", "/api/v1/templates/{name}/labels", { params, body: { key: "example.com/app", value: "ide" } })).toMatchObject({ status: 200, body: { value: "ide" } });
    expect(await api("POST", "/api/v1/templates/{name}/labels", { params, body: { key: "tier", value: "" } })).toMatchObject({ status: 201 });
    expect((await api("GET", "/api/v1/templates/{name}/labels", { params })).body).toEqual({ labels: [{ key: "example.com/app", value: "ide" }, { key: "tier", value: "" }] });
    // The router hands a catch-all its segments decoded: one for %2F, two for a plain /.
    for (const key of [["example.com/app"], ["example.com", "app"]]) {
      expect(await api("GET", "/api/v1/templates/{name}/labels/{key}", { params: { ...params, key } })).toMatchObject({ status: 200, body: { key: "example.com/app", value: "ide" } });
    }
    const audits = await auditOf("template.settings", "lab");
    expect(audits.at(-2)).toMatchObject({ before: { labels: { "example.com/app": "web" } }, after: { labels: { "example.com/app": "ide" } } });

    expect(await api("DELETE", "/api/v1/templates/{name}/labels/{key}", { params: { ...params, key: ["example.com", "app"] } })).toMatchObject({ status: 204, text: "" });
    expect((await auditOf("template.settings", "lab")).at(-1)).toMatchObject({
      actorId: people.admin!.userId,
      before: { labels: { "example.com/app": "ide", tier: "" } },
      after: { labels: { tier: "" } },
    });
    expect(await api("DELETE", "/api/v1/templates/{name}/labels/{key}", { params: { ...params, key: ["example.com/app"] } })).toMatchObject({ status: 404, body: { error: 'Lab has no label "example.com/app".' } });
    expect((await api("GET", "/api/v1/templates/{name}/labels/{key}", { params: { ...params, key: ["example.com/app"] } })).status).toBe(404);
  });

  it("sets, reads and removes annotations, whose values are free text", async () => {
    const params = { name: "lab" };
    const value = "Données <b>bold</b> ' OR 1=1 -- 名前";
    expect(await api("POST", "/api/v1/templates/{name}/annotations", { params, body: { key: "envdeck.dev/note", value } })).toMatchObject({ status: 201, body: { value } });
    expect((await api("GET", "/api/v1/templates/{name}/annotations", { params })).body).toEqual({ annotations: [{ key: "envdeck.dev/note", value }] });
    expect((await api("GET", "/api/v1/templates/{name}/annotations/{key}", { params: { ...params, key: ["envdeck.dev", "note"] } })).body).toEqual({ key: "envdeck.dev/note", value });
    expect((await api("DELETE", "/api/v1/templates/{name}/annotations/{key}", { params: { ...params, key: ["envdeck.dev/note"] } })).status).toBe(204);
    expect((await api("GET", "/api/v1/templates/{name}/annotations", { params })).body).toEqual({ annotations: [] });

    expect(await api("POST", "/api/v1/templates/{name}/annotations", { params, body: { key: "note", value: "a" } })).toMatchObject({ status: 201 });
    expect(await api("POST", "/api/v1/templates/{name}/annotations", { params, body: { key: "note", value: "b" } })).toMatchObject({ status: 200, body: { value: "b" } });
    expect((await api("DELETE", "/api/v1/templates/{name}/annotations/{key}", { params: { ...params, key: ["note"] } })).status).toBe(204);
    for (const [method, apiPath, options] of [
      ["GET", "/api/v1/templates/{name}/annotations", { params: { name: "no-such" } }],
      ["POST", "/api/v1/templates/{name}/annotations", { params: { name: "no-such" }, body: { key: "note", value: "v" } }],
      ["GET", "/api/v1/templates/{name}/annotations/{key}", { params: { ...params, key: ["note"] } }],
      ["DELETE", "/api/v1/templates/{name}/annotations/{key}", { params: { ...params, key: ["note"] } }],
    ] as const) {
      expect((await api(method, apiPath, options)).status, `${method} ${apiPath}`).toBe(404);
    }
  });

  it("refuses keys that are not Kubernetes syntax and bad values with 400, and changes nothing", async () => {
    const before = await snapshot();
    const badKeys = ["bad key", "Example.com/app", "a/b/c", "-x", "x-", "x".repeat(64), "ключ", "<script>", "x'; DROP TABLE templates;--", "/app", "example.com/", "%2F", ""];
    for (const key of badKeys) {
      for (const kind of ["labels", "annotations"] as const) {
        const set = await api("POST", `/api/v1/templates/{name}/${kind}`, { params: { name: "lab" }, body: { key, value: "v" } });
        expect(set.status, `${kind} ${key}`).toBe(400);
        expect(set.body.fields?.key, `${kind} ${key}`).toBeDefined();
        if (key === "") continue;
        for (const method of ["GET", "DELETE"]) {
          const one = await api(method, `/api/v1/templates/{name}/${kind}/{key}`, { params: { name: "lab", key: key.split("/") } });
          expect(one.status, `${method} ${kind} ${key}`).toBe(400);
          expect(one.body.fields?.key, `${method} ${kind} ${key}`).toBeDefined();
        }
      }
    }
    const badBodies: [string, unknown, number, string, RegExp][] = [
      ["labels", { key: "app", value: "has space" }, 400, "value", /letters, digits/],
      ["labels", { key: "app", value: "x".repeat(64) }, 400, "value", /63/],
      ["labels", { key: "app", value: 7 }, 400, "value", /expected string/],
      ["labels", { key: "app" }, 400, "value", /expected string/],
      ["labels", { key: "app", value: "v", extra: 1 }, 400, "extra", /not a field/],
      ["labels", { key: ["app"], value: "v" }, 400, "key", /expected string/],
      ["annotations", { key: "note", value: "two\nlines" }, 400, "value", /printable/],
      ["annotations", { key: "note", value: "x".repeat(4097) }, 400, "value", /4096/],
      ["labels", "key=app", 400, "", /not valid JSON/],
      ["labels", JSON.stringify({ key: "app", value: "x".repeat(70_000) }), 413, "", /64 kB/],
      ["annotations", JSON.stringify({ key: "note", value: "x".repeat(70_000) }), 413, "", /64 kB/],
    ];
    for (const [kind, body, status, field, message] of badBodies) {
      const shown = `${kind} ${(typeof body === "string" ? body : JSON.stringify(body)).slice(0, 60)}`;
      const response = await api("POST", `/api/v1/templates/{name}/${kind}`, { params: { name: "lab" }, body });
      expect(response.status, shown).toBe(status);
      expect(field ? response.body.fields?.[field]?.join(" ") : response.body.error, `${shown} → ${JSON.stringify(response.body).slice(0, 300)}`).toMatch(message);
    }
    expect((await api("POST", "/api/v1/templates/{name}/labels", { params: { name: "no-such" }, body: { key: "app", value: "v" } })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a 51st label, as the settings form does", async () => {
    const before = await snapshot();
    const labels = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
    expect((await api("PATCH", "/api/v1/templates/{name}", { params: { name: "hidden-lab" }, body: { labels } })).status).toBe(200);
    const refused = await api("POST", "/api/v1/templates/{name}/labels", { params: { name: "hidden-lab" }, body: { key: "one-more", value: "v" } });
    expect(refused).toMatchObject({ status: 400, body: { fields: { labels: ["At most 50 labels."] } } });
    expect((await api("PATCH", "/api/v1/templates/{name}", { params: { name: "hidden-lab" }, body: { labels: {} } })).status).toBe(200);
    const after = await snapshot();
    expect(after.templates).toEqual(before.templates.map((t) => (t.name === "hidden-lab" ? { ...t, updatedAt: expect.any(Date) } : t)));
  });
});

describe("deleting and restoring", () => {
  it("deletes keeping or ending its environments, then it is gone; restores it", async () => {
    await createLaunchTemplate("doomed", { displayName: "Doomed" });
    const running = (await launchInstance(people.student!, { template: "doomed" })).environment;
    const before = await snapshot();
    for (const query of ["", "environments=maybe", "environments=keep&environments=end", "environments=keep&force=true", "environments=KEEP"]) {
      const response = await api("DELETE", "/api/v1/templates/{name}", { params: { name: "doomed" }, query });
      expect(response.status, query).toBe(400);
      expect(response.body.fields, query).toBeDefined();
    }
    expect(await snapshot()).toEqual(before);
    const deleted = await api("DELETE", "/api/v1/templates/{name}", { params: { name: "doomed" }, query: "environments=end" });
    expect(deleted.body).toEqual({ name: "doomed", ended: [running.uuid], kept: 0 });
    expect((await database.db().instance.findUniqueOrThrow({ where: { uuid: running.uuid } })).phase).toBe("Expiring");
    for (const [method, apiPath, body] of [
      ["GET", "/api/v1/templates/{name}", undefined],
      ["PATCH", "/api/v1/templates/{name}", { displayName: "X" }],
      ["DELETE", "/api/v1/templates/{name}", undefined],
      ["GET", "/api/v1/templates/{name}/spec", undefined],
      ["PUT", "/api/v1/templates/{name}/spec", { spec: spec() }],
      ["GET", "/api/v1/templates/{name}/versions", undefined],
      ["GET", "/api/v1/templates/{name}/labels", undefined],
      ["POST", "/api/v1/templates/{name}/labels", { key: "app", value: "v" }],
    ] as const) {
      const response = await api(method, apiPath, { params: { name: "doomed" }, body, query: method === "DELETE" ? "environments=keep" : undefined });
      expect(response.status, `${method} ${apiPath}`).toBe(404);
    }

    const restored = await api("POST", "/api/v1/templates/{name}/restore", { params: { name: "doomed" } });
    expect(restored).toMatchObject({ status: 200, body: { name: "doomed", displayName: "Doomed" } });
    expect(await api("POST", "/api/v1/templates/{name}/restore", { params: { name: "doomed" }, body: {} })).toMatchObject({ status: 409, body: { error: "Doomed is not deleted." } });
    expect((await api("POST", "/api/v1/templates/{name}/restore", { params: { name: "no-such" } })).status).toBe(404);
    expect(await api("POST", "/api/v1/templates/{name}/restore", { params: { name: "doomed" }, body: { force: true } })).toMatchObject({ status: 400, body: { fields: { force: ["is not a field of this request"] } } });
    expect((await api("POST", "/api/v1/templates/{name}/restore", { params: { name: "doomed" }, body: JSON.stringify({ note: "x".repeat(70_000) }) })).status).toBe(413);
    expect((await auditOf("template.restore", "doomed"))[0]).toMatchObject({ actorId: people.admin!.userId, after: { deletedAt: null } });
  });

  it("refuses to delete a template others extend (409)", async () => {
    const before = await snapshot();
    expect(await api("DELETE", "/api/v1/templates/{name}", { params: { name: "base-lab" }, query: "environments=keep" })).toMatchObject({ status: 409, body: { error: expect.stringContaining("child-lab extends it") } });
    expect(await snapshot()).toEqual(before);
  });
});

/** One call of every operation, with a body it would accept from an admin. */
const EVERY_OPERATION: [string, string, CallOptions<Who>][] = [
  ["GET", "/api/v1/templates", {}],
  ["POST", "/api/v1/templates", { body: { from: "starter", starter: "blank", name: "nobodys", displayName: "X" } }],
  ["GET", "/api/v1/templates/{name}", { params: { name: "lab" } }],
  ["PATCH", "/api/v1/templates/{name}", { params: { name: "lab" }, body: { displayName: "Taken over" } }],
  ["DELETE", "/api/v1/templates/{name}", { params: { name: "lab" }, query: "environments=end" }],
  ["GET", "/api/v1/templates/{name}/spec", { params: { name: "lab" } }],
  ["PUT", "/api/v1/templates/{name}/spec", { params: { name: "lab" }, body: { spec: spec("host: {{ host }}\nuser: {{ owner }}\nmine: 1\n") } }],
  ["GET", "/api/v1/templates/{name}/versions", { params: { name: "lab" } }],
  ["GET", "/api/v1/templates/{name}/versions/{version}", { params: { name: "lab", version: "1" } }],
  ["POST", "/api/v1/templates/{name}/restore", { params: { name: "lab-copy" } }],
  ["GET", "/api/v1/templates/{name}/labels", { params: { name: "lab" } }],
  ["POST", "/api/v1/templates/{name}/labels", { params: { name: "lab" }, body: { key: "tier", value: "gold" } }],
  ["GET", "/api/v1/templates/{name}/labels/{key}", { params: { name: "lab", key: ["tier"] } }],
  ["DELETE", "/api/v1/templates/{name}/labels/{key}", { params: { name: "lab", key: ["tier"] } }],
  ["GET", "/api/v1/templates/{name}/annotations", { params: { name: "lab" } }],
  ["POST", "/api/v1/templates/{name}/annotations", { params: { name: "lab" }, body: { key: "note", value: "mine" } }],
  ["GET", "/api/v1/templates/{name}/annotations/{key}", { params: { name: "lab", key: ["note"] } }],
  ["DELETE", "/api/v1/templates/{name}/annotations/{key}", { params: { name: "lab", key: ["note"] } }],
];

describe("who may", () => {
  it("nobody signed in: 401 for every operation, and nothing changes", async () => {
    const before = await snapshot();
    for (const [method, apiPath, options] of EVERY_OPERATION) {
      const response = await api(method, apiPath, { ...options, as: "nobody" });
      expect(response.status, `${method} ${apiPath}`).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("students and teachers: 403 for every operation but reading one template, even with a bad body, and nothing changes", async () => {
    const before = await snapshot();
    for (const who of ["student", "teacher"] as const) {
      for (const [method, apiPath, options] of EVERY_OPERATION) {
        if (method === "GET" && apiPath === "/api/v1/templates/{name}") continue;
        for (const body of [options.body, options.body === undefined ? undefined : { nonsense: true }]) {
          const response = await api(method, apiPath, { ...options, body, as: who });
          expect(response.status, `${who} ${method} ${apiPath}`).toBe(403);
          expect(response.body.code).toBe("FORBIDDEN");
        }
      }
      // Over the session cookie too.
      const viaCookie = await api("PATCH", "/api/v1/templates/{name}", { cookie: people[who], params: { name: "lab" }, body: { displayName: "X" } });
      expect(viaCookie.status).toBe(403);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("with the session cookie: refuses an admin's change another site sent, before asking who it is; accepts the portal's own", async () => {
    const before = await snapshot();
    for (const headers of [{ "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, { origin: "https://evil.example" }, { origin: "null" }] as Record<string, string>[]) {
      for (const [method, apiPath, options] of EVERY_OPERATION.filter(([method]) => method !== "GET")) {
        const response = await api(method, apiPath, { ...options, cookie: people.admin, headers });
        expect(response.status, `${method} ${apiPath} ${JSON.stringify(headers)}`).toBe(403);
        expect(response.body.error).toContain("another site");
      }
    }
    expect(session.lookups).toBe(0);
    expect(await snapshot()).toEqual(before);
    const own = await api("POST", "/api/v1/templates/{name}/labels", { cookie: people.admin, headers: { origin: API_ORIGIN, "sec-fetch-site": "same-origin" }, params: { name: "lab" }, body: { key: "via", value: "cookie" } });
    expect(own.status).toBe(201);
    const read = await api("GET", "/api/v1/templates/{name}/labels", { cookie: people.admin, headers: { "sec-fetch-site": "cross-site" }, params: { name: "lab" } });
    expect(read.body.labels).toEqual(expect.arrayContaining([{ key: "via", value: "cookie" }]));
  });
});

describe("the OpenAPI document", () => {
  it("is what the checks above hold the answers to: a body that does not fit is caught", () => {
    const template = { name: "lab", displayName: "Lab" };
    expect(checker.problems("/api/v1/templates/{name}/spec", "GET", { status: 200, text: "{}", body: template }).join("\n")).toMatch(/must have required property 'version'/);
    expect(checker.problems("/api/v1/templates/{name}/labels", "GET", { status: 200, text: "{}", body: { labels: [{ key: "a", value: "b", extra: 1 }] } }).join("\n")).toMatch(/additional properties/);
    expect(checker.problems("/api/v1/templates", "GET", { status: 418, text: "", body: undefined })).toEqual(["GET /api/v1/templates 418: the status is not documented"]);
  });

  it("lists no answer of the templates API that the tests above did not get and check", () => {
    expect(checker.unseen("/api/v1/templates").filter((key) => !key.includes("/pool "))).toEqual([]);
  });
});
