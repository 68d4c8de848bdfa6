import { readdirSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { openApiDocument } from "@/lib/api/openapi";
import { EnvironmentSchema } from "@/lib/api/schemas/environment";
import { LabelSchema, TemplatePatchSchema, TemplateSchema } from "@/lib/api/schemas/template";

/**
 * The OpenAPI document and the route files under app/api must describe the same API: every documented
 * operation has a handler, every handler is documented, and every operation says what it answers.
 */

const API_ROOT = path.join(import.meta.dirname, "../../app/api");
/** next-auth's own endpoints: not part of Envdeck's API. */
const UNDOCUMENTED = ["/api/auth/"];
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

type Json = Record<string, unknown>;
type Routes = Map<string, Set<string>>;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/**
 * `app/api/run/[name]/route.ts` → `/api/run/{name}`; a catch-all `[...key]` is one parameter `{key}`; route
 * groups `(x)` are not part of the URL.
 */
function urlPathOf(file: string): string {
  const segments = path.relative(path.join(API_ROOT, ".."), path.dirname(file)).split(path.sep);
  return `/${segments.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[(?:\.\.\.)?(\w+)\]$/, "{$1}")).join("/")}`;
}

async function loadRoutes(): Promise<Routes> {
  const routes: Routes = new Map();
  for (const file of routeFiles(API_ROOT)) {
    const url = urlPathOf(file);
    if (UNDOCUMENTED.some((prefix) => url.startsWith(prefix))) continue;
    const mod = (await import(file)) as Json;
    routes.set(url, new Set(METHODS.filter((m) => typeof mod[m.toUpperCase()] === "function")));
  }
  return routes;
}

function resolve(doc: Json, value: unknown): Json | undefined {
  const target = value as Json | undefined;
  if (!target || typeof target.$ref !== "string") return target;
  if (!target.$ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const key of target.$ref.slice(2).split("/")) node = (node as Json | undefined)?.[key];
  return node as Json | undefined;
}

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "$ref" && typeof v === "string") found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

/** Everything wrong between `doc` and `routes`, as sentences; empty when they agree. */
function problemsOf(doc: Json, routes: Routes): string[] {
  const problems: string[] = [];
  if (typeof doc.openapi !== "string" || !/^3\.1\.\d+$/.test(doc.openapi)) problems.push(`openapi is ${String(doc.openapi)}, not 3.1.x`);
  try {
    // A function or undefined would silently vanish from the served document.
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(doc)), doc)) problems.push("the document does not survive JSON");
  } catch {
    problems.push("the document is not JSON");
  }
  for (const target of refsIn(doc)) if (resolve(doc, { $ref: target }) === undefined) problems.push(`$ref ${target} resolves to nothing`);

  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const operationIds = new Set<string>();
  for (const [url, item] of Object.entries(paths)) {
    const handlers = routes.get(url);
    if (!handlers) problems.push(`${url} is documented but has no route file`);
    const pathParameters = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${url}`;
      if (handlers && !handlers.has(method)) problems.push(`${where} is documented but its route exports no ${method.toUpperCase()}`);
      if (typeof operation.operationId !== "string" || operationIds.has(operation.operationId)) problems.push(`${where} needs a unique operationId`);
      operationIds.add(String(operation.operationId));
      const responses = (operation.responses ?? {}) as Record<string, unknown>;
      const statuses = Object.keys(responses);
      if (statuses.length === 0) problems.push(`${where} lists no responses`);
      if (!statuses.some((s) => s.startsWith("2"))) problems.push(`${where} lists no success response`);
      for (const status of statuses) {
        if (!/^[1-5]\d\d$/.test(status)) problems.push(`${where} has a response "${status}" that is not a status code`);
        if (typeof resolve(doc, responses[status])?.description !== "string") problems.push(`${where} ${status} has no description`);
      }
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      if (!isPublic && !statuses.includes("401")) problems.push(`${where} needs authentication but lists no 401`);
      const declared = [...pathParameters, ...((operation.parameters as unknown[] | undefined) ?? [])]
        .map((p) => resolve(doc, p))
        .filter((p) => p?.in === "path")
        .map((p) => p!.name);
      for (const [, name] of url.matchAll(/\{(\w+)\}/g)) {
        if (!declared.includes(name)) problems.push(`${where} does not declare the path parameter "${name}"`);
      }
    }
  }
  for (const [url, methods] of routes) {
    const item = paths[url];
    if (!item) problems.push(`${url} has a route file but is not documented`);
    else for (const method of methods) if (!item[method]) problems.push(`${method.toUpperCase()} ${url} is exported but not documented`);
  }
  return problems;
}

const copy = (): Json => structuredClone(openApiDocument) as unknown as Json;
const pathsOf = (doc: Json) => doc.paths as Record<string, Json>;

describe("the OpenAPI document", () => {
  let routes: Routes;
  beforeAll(async () => {
    routes = await loadRoutes();
  }, 60_000);

  it("finds the API's route files", () => {
    expect([...routes.keys()]).toEqual(expect.arrayContaining(["/api/run/{name}", "/api/v1/environments/{uuid}/extend", "/api/v1/tokens/{id}", "/api/openapi.json"]));
    expect(routes.get("/api/run/{name}")).toEqual(new Set(["get", "delete"]));
  });

  it("agrees with the route files, operation by operation", () => {
    expect(problemsOf(copy(), routes)).toEqual([]);
  });

  it("documents the status codes of the Dploy-compatible paths", () => {
    const paths = pathsOf(copy());
    const statuses = (url: string, method: string) => Object.keys((paths[url]![method] as Json).responses as Json).sort();
    expect(statuses("/api/run/{name}", "get")).toEqual(["200", "201", "400", "401", "403", "404", "503"]);
    expect(statuses("/api/run/{name}/extend", "post")).toEqual(["200", "400", "401", "403", "404", "409"]);
    expect(statuses("/api/run/{name}", "delete")).toEqual(["204", "401", "403", "404"]);
    expect(statuses("/api/v1/templates/{name}/pool", "get")).toEqual(["200", "401", "403", "404"]);
    expect(Object.keys((openApiDocument.components.securitySchemes as Json) ?? {}).sort()).toEqual(["bearerToken", "metricsToken", "sessionCookie"]);
  });

  it("documents the metrics scrape with its own token, text answer and its refusals", () => {
    const metrics = pathsOf(copy())["/api/metrics"]!.get as Json;
    expect(metrics.security).toEqual([{ metricsToken: [] }]);
    expect(Object.keys(metrics.responses as Json).sort()).toEqual(["200", "401", "404"]);
    expect(Object.keys(((metrics.responses as Json)["200"] as Json).content as Json)).toEqual(["text/plain"]);
  });

  // The checks above are only worth something if they can fail: each broken copy must be caught.
  const broken: [string, (doc: Json) => void, RegExp][] = [
    ["a documented path without a route file", (d) => (pathsOf(d)["/api/v1/nothing"] = { get: { operationId: "x", responses: { "200": { description: "ok" } }, security: [] } }), /no route file/],
    ["a route file that is not documented", (d) => delete pathsOf(d)["/api/run/{name}/status"], /\/api\/run\/\{name\}\/status has a route file but is not documented/],
    ["an exported method that is not documented", (d) => delete pathsOf(d)["/api/run/{name}"]!.delete, /DELETE \/api\/run\/\{name\} is exported/],
    ["a documented method the route does not export", (d) => (pathsOf(d)["/api/environments"]!.post = { operationId: "p", responses: { "200": { description: "ok" }, "401": { description: "no" } } }), /exports no POST/],
    ["an operation without responses", (d) => ((pathsOf(d)["/api/v1/tokens"]!.get as Json).responses = {}), /GET \/api\/v1\/tokens lists no responses/],
    ["an authenticated operation without 401", (d) => delete ((pathsOf(d)["/api/v1/environments"]!.get as Json).responses as Json)["401"], /lists no 401/],
    ["a dangling $ref", (d) => ((d.components as Json).schemas as Json).Environment = undefined, /#\/components\/schemas\/Environment resolves to nothing/],
    ["an undeclared path parameter", (d) => delete pathsOf(d)["/api/v1/tokens/{id}"]!.parameters, /path parameter "id"/],
    ["OpenAPI 3.0", (d) => (d.openapi = "3.0.3"), /not 3\.1\.x/],
    ["a value that is not JSON", (d) => (d.extra = () => 1), /JSON/],
  ];
  for (const [what, breakIt, expected] of broken) {
    it(`catches ${what}`, () => {
      const doc = copy();
      breakIt(doc);
      const problems = problemsOf(doc, routes);
      expect(problems.join("\n")).toMatch(expected);
    });
  }

  it("takes its component schemas from the resources' zod schemas: requests as sent, responses as received", () => {
    const schemas = openApiDocument.components.schemas as Json;
    const generated = (schema: z.ZodType, io: "input" | "output") => {
      const { $schema: _, ...json } = z.toJSONSchema(schema, { io }) as Json;
      return json;
    };
    expect(schemas.Template).toEqual(generated(TemplateSchema, "output"));
    expect(schemas.Environment).toEqual(generated(EnvironmentSchema, "output"));
    expect(schemas.Label).toEqual(generated(LabelSchema, "output"));
    expect(schemas.TemplatePatch).toEqual(generated(TemplatePatchSchema, "input"));
    // A response is described exactly: nothing it may carry is left undeclared.
    expect(schemas.Template).toMatchObject({ additionalProperties: false, required: expect.arrayContaining(["name", "labels", "version"]) });
    // Dates travel as ISO 8601 text.
    expect((schemas.TemplateSummary as { properties: Json }).properties.deletedAt).toEqual({ anyOf: [{ type: "string", format: "date-time" }, { type: "null" }] });
  });

  it("documents the answers of the templates API", () => {
    const paths = pathsOf(copy());
    const statuses = (url: string, method: string) => Object.keys((paths[url]![method] as Json).responses as Json).sort();
    expect(statuses("/api/v1/templates", "post")).toEqual(["201", "400", "401", "403", "404", "409", "413"]);
    expect(statuses("/api/v1/templates/{name}", "get")).toEqual(["200", "401", "404"]);
    expect(statuses("/api/v1/templates/{name}", "patch")).toEqual(["200", "400", "401", "403", "404", "409", "413"]);
    expect(statuses("/api/v1/templates/{name}/labels/{key}", "delete")).toEqual(["204", "400", "401", "403", "404"]);
    const list = (paths["/api/v1/templates"]!.get as { parameters: { name: string; in: string }[] }).parameters;
    expect(list.map((p) => `${p.in}:${p.name}`)).toEqual(["query:q", "query:state", "query:method", "query:category", "query:owner", "query:deleted"]);
  });

  it("maps route folders to URL paths", () => {
    expect(urlPathOf(path.join(API_ROOT, "v1/environments/[uuid]/extend/route.ts"))).toBe("/api/v1/environments/{uuid}/extend");
    expect(urlPathOf(path.join(API_ROOT, "(group)/openapi.json/route.ts"))).toBe("/api/openapi.json");
    expect(urlPathOf(path.join(API_ROOT, "v1/templates/[name]/labels/[...key]/route.ts"))).toBe("/api/v1/templates/{name}/labels/{key}");
  });
});
