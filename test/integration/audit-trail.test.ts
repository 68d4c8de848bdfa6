import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as exportRoute from "@/app/(staff)/admin/audit/export/route";
import * as v1ExtendRoute from "@/app/api/v1/environments/[uuid]/extend/route";
import * as v1EnvironmentRoute from "@/app/api/v1/environments/[uuid]/route";
import * as v1RunRoute from "@/app/api/v1/run/[name]/route";
import * as v1TokenRoute from "@/app/api/v1/tokens/[id]/route";
import * as v1TokensRoute from "@/app/api/v1/tokens/route";
import { reconcileInstance } from "@/lib/controllers/instances";
import { db } from "@/lib/db/client";
import { AUDIT_COUNT_CAP, MAX_AUDIT_PAGE } from "@/lib/domain/audit-trail";
import type { Identity } from "@/lib/domain/identity";
import { listAuditEvents } from "@/lib/services/audit/list-audit-events";
import { launchInstance } from "@/lib/services/instances/launch";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser } from "@/test/support/launch";
import { testContext } from "@/test/support/controller";

/**
 * The audit trail: the events the portal records (with who, what, when and where from), the admin's page
 * (`listAuditEvents`) and the CSV export route, against the real PostgreSQL. Every role calls them directly;
 * bad filters are refused by field and change nothing. Only the next-auth session lookup is replaced (it needs
 * Next's request scope): a session cookie means "signed in as `session.identity`".
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));

allowLaunching();
setupTestDatabase();

const BASE = "http://envdeck.test";
const BROWSER = { "x-forwarded-for": "198.51.100.23", "user-agent": "Mozilla/5.0 (audit test)" };

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function send(handler: unknown, url: string, options: { method?: string; token?: string; as?: Identity; headers?: Record<string, string>; body?: string; params?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...BROWSER, ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.as) {
    headers.cookie = "next-auth.session-token=opaque";
    session.identity = options.as;
  }
  const response = await (handler as Handler)(new Request(`${BASE}${url}`, { method: options.method ?? "GET", headers, body: options.body }), { params: Promise.resolve(options.params ?? {}) });
  // Decoded keeping a byte order mark, which Response.text() would drop.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, text };
}

const entries = (action: string, objectId?: string) => db().auditEvent.findMany({ where: { action, ...(objectId && { objectId }) }, orderBy: { id: "asc" } });

/** Writes audit entries directly, as if recorded at `at`. */
async function insertEntries(rows: { at?: string; actor?: string; action: string; type?: string; object?: string | null; count?: number }[]) {
  for (const row of rows) {
    await db().$executeRaw`INSERT INTO audit_events (at, actor_name, action, object_type, object_id)
      SELECT coalesce(${row.at ?? null}::timestamptz, now()), ${row.actor ?? "someone"}, ${row.action}, ${row.type ?? "test"}, ${row.object ?? null} FROM generate_series(1, ${row.count ?? 1})`;
  }
}

let alice: Identity;
let bob: Identity;
let tess: Identity;
let ada: Identity;

beforeAll(async () => {
  alice = await createUser({ name: "alice" });
  bob = await createUser({ name: "bob" });
  tess = await createUser({ name: "tess", roles: ["teacher"] });
  ada = await createUser({ name: "ada", roles: ["admin"] });
  await createLaunchTemplate("desk", { ttlSeconds: 600, ttlExtendSeconds: 60, ttlMaxExtends: 2 });
});

beforeEach(() => {
  session.identity = null;
});

describe("what the trail records", () => {
  it("launches, extensions and ends with where they came from, and who ended them", async () => {
    const token = (await createApiToken(alice, { name: "script" })).token;
    const launched = await send(v1RunRoute.POST, "/api/v1/run/desk", { method: "POST", token, params: { name: "desk" }, body: "{}" });
    expect(launched.status).toBe(201);
    const uuid = JSON.parse(launched.text).uuid as string;
    expect((await send(v1ExtendRoute.POST, `/api/v1/environments/${uuid}/extend`, { method: "POST", token, params: { uuid } })).status).toBe(200);
    expect((await send(v1EnvironmentRoute.DELETE, `/api/v1/environments/${uuid}`, { method: "DELETE", token, params: { uuid } })).status).toBe(204);

    const where = { sourceAddress: "198.51.100.23", userAgent: "Mozilla/5.0 (audit test)", actorName: "alice", actorId: alice.userId };
    expect((await entries("instance.launch", uuid))[0]).toMatchObject({ ...where, after: { template: "desk", outcome: "created" } });
    expect((await entries("instance.extend", uuid))[0]).toMatchObject({ ...where, before: { extendCount: 0 }, after: { extendCount: 1 } });
    expect((await entries("instance.release", uuid))[0]).toMatchObject({ ...where, after: { phase: "Expiring", endedBy: "owner" } });
  });

  it("an admin ending someone else's environment, as ended by an admin", async () => {
    const { environment } = await launchInstance(bob, { template: "desk", params: {} });
    const ended = await send(v1EnvironmentRoute.DELETE, `/api/v1/environments/${environment.uuid}`, { method: "DELETE", as: ada, params: { uuid: environment.uuid } });
    expect(ended.status).toBe(204);
    expect((await entries("instance.release", environment.uuid))[0]).toMatchObject({ actorName: "ada", sourceAddress: "198.51.100.23", before: { owner: "bob" }, after: { endedBy: "admin" } });
  });

  it("expiry, by the worker, as ended by expiry with no request behind it", async () => {
    const { environment } = await launchInstance(alice, { template: "desk", params: {} });
    await db().instance.update({ where: { uuid: environment.uuid }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const ctx = testContext();
    await reconcileInstance(ctx, environment.uuid);
    expect((await db().instance.findUniqueOrThrow({ where: { uuid: environment.uuid } })).phase).toBe("Expiring");
    // Reconciling again writes no second entry.
    await reconcileInstance(ctx, environment.uuid).catch(() => undefined);
    const [entry, ...more] = await entries("instance.release", environment.uuid);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actorId: null, actorName: "system", sourceAddress: null, userAgent: null, before: { owner: "alice" }, after: { endedBy: "expiry" } });
  });

  it("tokens created and revoked in a browser, with where from", async () => {
    const created = await send(v1TokensRoute.POST, "/api/v1/tokens", { method: "POST", as: bob, body: JSON.stringify({ name: "laptop", expiresInDays: 30 }) });
    expect(created.status).toBe(201);
    const id = JSON.parse(created.text).id as string;
    expect((await send(v1TokenRoute.DELETE, `/api/v1/tokens/${id}`, { method: "DELETE", as: bob, params: { id } })).status).toBe(204);
    expect((await entries("token.create", id))[0]).toMatchObject({ actorName: "bob", sourceAddress: "198.51.100.23", after: { name: "laptop" } });
    expect((await entries("token.revoke", id))[0]).toMatchObject({ actorName: "bob", userAgent: "Mozilla/5.0 (audit test)", before: { name: "laptop" } });
  });
});

describe("the admin's page of the trail", () => {
  beforeAll(async () => {
    await insertEntries([
      { at: "2026-01-10T08:00:00Z", actor: "zoe", action: "template.create", type: "template", object: "t-1" },
      { at: "2026-01-10T09:30:00Z", actor: "zoe", action: "template.version", type: "template", object: "t-1" },
      { at: "2026-01-11T12:00:00Z", actor: "Zoe_100%", action: "signin.fail", type: "account", object: "zoe_100%" },
      { at: "2026-01-12T00:00:00Z", actor: "=HYPERLINK(\"http://evil.example\",\"x\")", action: "signin.fail", type: "account", object: "=1+2" },
      { at: "2026-01-05T00:00:00Z", actor: "pager", action: "test.paging", count: 120 },
    ]);
  });

  const page = (params: Record<string, string | string[]>) => listAuditEvents(ada, { searchParams: params });

  it("is for admins only", async () => {
    await expect(listAuditEvents(null, { searchParams: {} })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    for (const caller of [alice, bob, tess]) await expect(listAuditEvents(caller, { searchParams: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await page({})).events.length).toBeGreaterThan(0);
  });

  it("lists newest first, fifty to a page, with the total and the retention", async () => {
    const first = await page({ action: "test.paging" });
    expect(first).toMatchObject({ total: 120, pageCount: 3, page: 1, pageSize: 50, retentionDays: 180, moreThanTotal: false, errors: null });
    expect(first.events).toHaveLength(50);
    const third = await page({ action: "test.paging", page: "3" });
    expect(third.events).toHaveLength(20);
    const ids = [...first.events, ...(await page({ action: "test.paging", page: "2" })).events, ...third.events].map((e) => e.id);
    expect(new Set(ids).size).toBe(120);
    // Past the end: nothing on the page, and the total to say so.
    expect(await page({ action: "test.paging", page: "4" })).toMatchObject({ events: [], total: 120, pageCount: 3 });
    const all = await page({});
    expect(all.events[0]!.at.getTime()).toBeGreaterThanOrEqual(all.events[1]!.at.getTime());
  });

  it("filters by actor (part of the name, any case, wildcards as text), action or its family, object and time", async () => {
    expect((await page({ actor: "ZO" })).events.map((e) => e.actorName).sort()).toEqual(["Zoe_100%", "zoe", "zoe"]);
    expect((await page({ actor: "_100%" })).events.map((e) => e.actorName)).toEqual(["Zoe_100%"]);
    expect((await page({ actor: "%" })).events.map((e) => e.actorName)).toEqual(["Zoe_100%"]);
    expect((await page({ action: "template", actor: "zoe" })).events.map((e) => e.action)).toEqual(["template.version", "template.create"]);
    expect((await page({ action: "templ" })).total).toBe(0);
    expect((await page({ type: "template", object: "t-1" })).total).toBe(2);
    expect((await page({ from: "2026-01-10T09:00", to: "2026-01-11" })).events.map((e) => e.action)).toEqual(["signin.fail", "template.version"]);
    expect((await page({ from: "2026-01-10", to: "2026-01-10" })).total).toBe(2);
    expect((await page({ from: "2026-01-10T08:00", to: "2026-01-10T08:00" })).total).toBe(1);
    expect((await page({ from: "2026-01-10T10:30+01:00", to: "2026-01-10T10:30+01:00" })).events.map((e) => e.action)).toEqual(["template.version"]);
  });

  it("takes injection strings and unicode as plain text to look for", async () => {
    for (const actor of ["' OR '1'='1", "zoe'; DELETE FROM audit_events; --", "学生👩‍🎓", "\\", "<script>"]) {
      expect(await page({ actor }), actor).toMatchObject({ errors: null, total: 0 });
    }
    expect((await page({ object: "=1+2" })).events[0]?.actorName).toBe("=HYPERLINK(\"http://evil.example\",\"x\")");
    expect(await db().auditEvent.count({ where: { action: "test.paging" } })).toBe(120);
  });

  it("refuses malformed filters by field and lists nothing, changing nothing", async () => {
    const before = await db().auditEvent.count();
    const cases: [Record<string, string | string[]>, string][] = [
      [{ from: "2026-02-30" }, "from"],
      [{ to: "next week" }, "to"],
      [{ from: "2026-01-12", to: "2026-01-10" }, "to"],
      [{ page: String(MAX_AUDIT_PAGE + 1) }, "page"],
      [{ page: "999999999999999999999" }, "page"],
      [{ page: "-3" }, "page"],
      [{ page: "two" }, "page"],
      [{ action: "signin' OR 1=1 --" }, "action"],
      [{ type: "../../etc" }, "type"],
      [{ actor: "x".repeat(64) }, "actor"],
      [{ object: "x".repeat(101) }, "object"],
      [{ actor: ["a", "b"] }, "actor"],
    ];
    for (const [params, field] of cases) {
      const result = await page(params);
      expect(result.errors?.[field], JSON.stringify(params).slice(0, 60)).toEqual([expect.any(String)]);
      expect(result.events).toEqual([]);
    }
    expect(await db().auditEvent.count()).toBe(before);
  });

  it("counts no further than its cap", async () => {
    await insertEntries([{ at: "2025-06-01T00:00:00Z", action: "test.huge", count: AUDIT_COUNT_CAP + 5 }]);
    try {
      const huge = await page({ action: "test.huge", page: String(MAX_AUDIT_PAGE) });
      expect(huge).toMatchObject({ total: AUDIT_COUNT_CAP, moreThanTotal: true, pageCount: MAX_AUDIT_PAGE });
      expect(huge.events).toHaveLength(50);
    } finally {
      await db().auditEvent.deleteMany({ where: { action: "test.huge" } });
    }
  });
});

describe("GET /admin/audit/export", () => {
  /** The CSV's data lines (after the mark and the header). */
  const lines = (text: string) => text.replace(/^\uFEFF/, "").split("\r\n").filter(Boolean).slice(1);

  it("answers 401 signed out, 403 to students, another student and teachers, and audits none of them", async () => {
    const before = await db().auditEvent.count();
    expect((await send(exportRoute.GET, "/admin/audit/export")).status).toBe(401);
    for (const caller of [alice, bob, tess]) expect((await send(exportRoute.GET, "/admin/audit/export", { as: caller })).status).toBe(403);
    const studentToken = (await createApiToken(alice, { name: "export-try" })).token;
    const afterToken = await db().auditEvent.count();
    expect((await send(exportRoute.GET, "/admin/audit/export", { token: studentToken })).status).toBe(403);
    expect(await db().auditEvent.count()).toBe(afterToken);
    expect(afterToken).toBe(before + 1);
  });

  it("gives an admin the filtered trail as CSV, newest first, formulas neutralised, and audits the export", async () => {
    await insertEntries([
      { at: "2026-02-01T10:00:00Z", actor: "=HYPERLINK(\"http://evil.example\",\"x\")", action: "signin.fail", type: "account", object: "+cmd" },
      { at: "2026-02-01T11:00:00Z", actor: "eve", action: "signin.lockout", type: "account", object: "eve" },
    ]);
    const response = await send(exportRoute.GET, "/admin/audit/export?action=signin&from=2026-02-01&to=2026-02-01", { as: ada });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="envdeck-audit-\d{8}-\d{4}\.csv"$/);
    expect(response.text.startsWith('\uFEFF"id","time (UTC)","actor"')).toBe(true);
    const rows = lines(response.text);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^"\d+","2026-02-01T11:00:00.000Z","eve","","signin.lockout","account","eve",/);
    expect(rows[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(rows[1]).toContain(`"'+cmd"`);
    const [exported] = await entries("audit.export");
    expect(exported).toMatchObject({ actorName: "ada", sourceAddress: "198.51.100.23", after: { filter: { action: "signin", from: "2026-02-01", to: "2026-02-01" } } });
  });

  it("streams a long trail whole, across its batches", async () => {
    await insertEntries([{ at: "2026-03-01T00:00:00Z", action: "test.export", count: 2345 }]);
    const response = await send(exportRoute.GET, "/admin/audit/export?action=test.export", { as: ada });
    const ids = lines(response.text).map((line) => line.split(",")[0]);
    expect(ids).toHaveLength(2345);
    expect(new Set(ids).size).toBe(2345);
  });

  it("refuses bad filters, unknown and repeated parameters and a page with 400, writing nothing", async () => {
    const before = await db().auditEvent.count();
    const cases: [string, RegExp][] = [
      ["from=2026-13-01", /from/],
      ["to=yesterday", /to/],
      ["from=2026-02-02&to=2026-02-01", /to/],
      ["action=%27%3B%20DROP%20TABLE%20audit_events%3B--", /action/],
      ["actor=" + "a".repeat(64), /actor/],
      ["sort=id", /sort/],
      ["actor=a&actor=b", /actor/],
      ["page=2", /page/],
      ["actor=%00", /NUL|actor/],
    ];
    for (const [query, field] of cases) {
      const response = await send(exportRoute.GET, `/admin/audit/export?${query}`, { as: ada });
      expect(response.status, query).toBe(400);
      const body = JSON.parse(response.text) as { code: string; error: string; fields?: Record<string, string[]> };
      expect(body.code).toBe("INVALID_INPUT");
      expect(`${body.error} ${Object.keys(body.fields ?? {}).join(" ")}`, query).toMatch(field);
    }
    expect(await db().auditEvent.count()).toBe(before);
  });

  it("refuses a request another site sent with the admin's cookie", async () => {
    const before = await db().auditEvent.count();
    const response = await send(exportRoute.GET, "/admin/audit/export", { as: ada, headers: { "sec-fetch-site": "cross-site" } });
    expect(response.status).toBe(403);
    expect(await db().auditEvent.count()).toBe(before);
  });
});
