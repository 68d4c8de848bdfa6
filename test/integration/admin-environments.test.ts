import pg from "pg";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as detailRoute from "@/app/api/v1/admin/environments/[uuid]/route";
import * as bulkRoute from "@/app/api/v1/admin/environments/bulk/route";
import * as listRoute from "@/app/api/v1/admin/environments/route";
import * as retryRoute from "@/app/api/v1/environments/[uuid]/retry/route";
import type { ActionState } from "@/lib/auth/actions";
import { db } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { MAX_BULK } from "@/lib/domain/bulk-action";
import type { Identity } from "@/lib/domain/identity";
import { PAGE_SIZE } from "@/lib/domain/instance-list";
import { getInstanceDetail } from "@/lib/services/instances/get-detail";
import { launchInstance } from "@/lib/services/instances/launch";
import { listAllInstances } from "@/lib/services/instances/list-all";
import { listEnvironmentFilterChoices } from "@/lib/services/instances/list-filter-choices";
import { previewBulkAction } from "@/lib/services/instances/preview-bulk";
import { releaseInstance } from "@/lib/services/instances/release";
import { retryInstance } from "@/lib/services/instances/retry";
import { runBulkAction } from "@/lib/services/instances/run-bulk";
import { deleteTemplate } from "@/lib/services/templates/delete-template";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser, insertAvailableMembers } from "@/test/support/launch";
import { openApiDocument } from "@/lib/api/openapi";
import { openApiChecker } from "@/test/support/openapi";

/**
 * The admin's environments against the real PostgreSQL: the list of every environment with its filters, one
 * environment in full with its history, bulk actions and the retry, through the use cases, the REST routes
 * (with real personal tokens) and the pages' server actions. Every role calls each of them directly; what is
 * refused, whatever the reason, leaves every row, the history and the audit trail as they were.
 */

// Server actions run outside a Next.js request: the session answers with the identity the test names.
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));
const { bulkAction, bulkPreviewAction, retryAction } = await import("@/app/(staff)/admin/environments/actions");

allowLaunching();
const database = setupTestDatabase();

const BASE = "http://envdeck.test";
const HOSTILE = ["'; DROP TABLE instances; --", "%", "_%", "<script>alert(1)</script>", "élève", "ａｌｉｃｅ", "a\u202eb", "../../etc/passwd", "x' OR '1'='1"];

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Every answer of these routes is checked against the OpenAPI document the portal serves (status listed, body valid). */
const checker = openApiChecker(JSON.parse(JSON.stringify(openApiDocument)) as Record<string, unknown>);
const DOCUMENTED = new Map<unknown, [path: string, method: string]>([
  [listRoute.GET, ["/api/v1/admin/environments", "GET"]],
  [detailRoute.GET, ["/api/v1/admin/environments/{uuid}", "GET"]],
  [bulkRoute.POST, ["/api/v1/admin/environments/bulk", "POST"]],
  [retryRoute.POST, ["/api/v1/environments/{uuid}/retry", "POST"]],
]);

/** Calls a route handler as Next does; `token` signs in as its owner, `cookie` as the session's identity. */
async function send(
  handler: unknown,
  url: string,
  options: { method?: string; token?: string; cookie?: boolean; headers?: Record<string, string>; body?: string; params?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = "next-auth.session-token=opaque";
  const request = new Request(`${BASE}${url}`, { method: options.method ?? "GET", headers, body: options.body });
  const response = await (handler as Handler)(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  const body = (text ? JSON.parse(text) : undefined) as Record<string, unknown> & { code?: string; fields?: Record<string, string[]> };
  const [path, method] = DOCUMENTED.get(handler)!;
  expect(checker.problems(path, method, { status: response.status, text, body }), `${method} ${url}: ${text.slice(0, 300)}`).toEqual([]);
  return { status: response.status, headers: response.headers, body };
}

type AnyAction = (state: never, data: FormData) => Promise<ActionState<unknown>>;
function call(action: AnyAction, fields: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return action({ ok: false } as never, data);
}

/** Everything a refused call must leave as it was: every instance row, their history and the audit trail. */
async function snapshot() {
  const [instances, events, audit] = await Promise.all([db().instance.findMany({ orderBy: { uuid: "asc" } }), db().instanceEvent.count(), db().auditEvent.count()]);
  return { instances, events, audit };
}

/** Leaves an instance as the worker leaves a launch that gave up fetching its chart. */
async function fail(uuid: string, message = "Gave up after 10 s without progress fetching the chart. Last report: Chart source: connection refused") {
  await db().instance.update({ where: { uuid }, data: { phase: "Provisioning", step: "fetching", health: "degraded", message: "Chart source: connection refused" } });
  await db().instance.update({ where: { uuid }, data: { phase: "Failed", health: "failed", message } });
}

/** Collects NOTIFY payloads on the worker's channel while `fn` runs. */
async function notificationsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const payloads: string[] = [];
  client.on("notification", (n) => payloads.push(n.payload ?? ""));
  await client.query(`LISTEN ${WAKE_CHANNEL}`);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    await client.end();
  }
  return payloads;
}

let admin: Identity;
let teacher: Identity;
let ada: Identity;
let bob: Identity;
const tokens: Record<"admin" | "teacher" | "ada" | "bob", string> = { admin: "", teacher: "", ada: "", bob: "" };
let poolId: string;

beforeAll(async () => {
  admin = await createUser({ name: "root-admin", roles: ["admin", "teacher", "student"] });
  teacher = await createUser({ name: "tina", roles: ["teacher", "student"] });
  ada = await createUser({ name: "ada", groups: ["class-1a"] });
  bob = await createUser({ name: "bob", groups: ["class-1a"] });
  for (const [name, who] of [["admin", admin], ["teacher", teacher], ["ada", ada], ["bob", bob]] as const) tokens[name] = (await createApiToken(who, { name: "admin-environments" })).token;
  const greeting = { parameters: { type: "object", properties: { greeting: { type: "string", maxLength: 40, default: "hello" } } }, valuesTemplate: "greeting: {{ params.greeting }}\nowner: {{ owner }}\n" };
  await createLaunchTemplate("lab", { spec: greeting, ttlSeconds: 3600, ttlExtendSeconds: 1800, ttlMaxExtends: 1 });
  await createLaunchTemplate("other-lab", { spec: greeting, ttlSeconds: 7200 });
  poolId = (await createLaunchTemplate("lab-pool", { method: "pool", poolSize: 2 })).id;
  await insertAvailableMembers(poolId, 2);
});

beforeEach(() => {
  session.identity = null;
});

describe("the list of every environment", () => {
  let adaLab: string;
  let bobLab: string;
  let adaOther: string;
  beforeAll(async () => {
    adaLab = (await launchInstance(ada, { template: "lab", params: { greeting: "hi ada" } })).environment.uuid;
    bobLab = (await launchInstance(bob, { template: "lab" })).environment.uuid;
    adaOther = (await launchInstance(ada, { template: "other-lab" })).environment.uuid;
    await fail(bobLab);
  });

  it("lists every environment, other people's and unclaimed pool members included, newest first", async () => {
    const page = await listAllInstances(admin, { searchParams: {} });
    expect(page.total).toBe(5);
    expect(page.rows.map((r) => r.uuid).slice(0, 3)).toEqual([adaOther, bobLab, adaLab]);
    expect(page.rows.filter((r) => r.template === "lab-pool")).toEqual([
      expect.objectContaining({ owner: null, pooled: true, phase: "Available" }),
      expect.objectContaining({ owner: null, pooled: true, phase: "Available" }),
    ]);
    expect(page.rows.find((r) => r.uuid === adaLab)).toEqual({
      uuid: adaLab,
      name: `lab-${adaLab}`,
      template: "lab",
      displayName: "lab",
      templateDeleted: false,
      version: 1,
      owner: "ada",
      pooled: false,
      phase: "Pending",
      health: null,
      step: null,
      problem: null,
      message: "Queued: waiting for the worker",
      url: expect.stringContaining(adaLab),
      namespace: `ada-lab-${adaLab}`,
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      endedAt: null,
      extendCount: 0,
      maxExtends: 1,
      extensionsLeft: 1,
    });
    expect(page.rows.find((r) => r.uuid === bobLab)).toMatchObject({ phase: "Failed", problem: { kind: "source-unreachable" } });
    expect(page).toMatchObject({ pages: 1, pageSize: PAGE_SIZE, query: { sort: "created", order: "desc", page: 1 } });
    expect((await listEnvironmentFilterChoices(admin)).templates.map((t) => t.name).sort()).toEqual(["lab", "lab-pool", "other-lab"]);
  });

  it("narrows by template, owner, phase, trouble, expiry and whether it has ended", async () => {
    const uuids = async (searchParams: Record<string, string>) => (await listAllInstances(admin, { searchParams })).rows.map((r) => r.uuid).sort();
    expect(await uuids({ template: "lab" })).toEqual([adaLab, bobLab].sort());
    expect(await uuids({ owner: "AD" })).toEqual([adaLab, adaOther].sort());
    expect(await uuids({ owner: "-" })).toHaveLength(2);
    expect(await uuids({ phase: "Failed" })).toEqual([bobLab]);
    expect(await uuids({ failed: "1" })).toEqual([bobLab]);
    expect(await uuids({ template: "lab", owner: "ada", phase: "Pending" })).toEqual([adaLab]);
    // A launch under way whose last report is a problem counts as in trouble too.
    await db().instance.update({ where: { uuid: adaOther }, data: { phase: "Provisioning", health: "degraded", message: "Chart source: not ready" } });
    expect(await uuids({ failed: "1" })).toEqual([bobLab, adaOther].sort());
    const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);
    await db().instance.update({ where: { uuid: adaLab }, data: { expiresAt: inMinutes(10) } });
    await db().instance.update({ where: { uuid: bobLab }, data: { expiresAt: inMinutes(180) } });
    await db().instance.update({ where: { uuid: adaOther }, data: { expiresAt: inMinutes(300) } });
    expect(await uuids({ expiring: "15m" })).toEqual([adaLab]);
    expect(await uuids({ expiring: "1h" })).toEqual([adaLab]);
    expect(await uuids({ expiring: "4h" })).toEqual([adaLab, bobLab].sort());
    // Pool members nobody claimed never expire.
    expect(await uuids({ expiring: "1d" })).toEqual([adaLab, bobLab, adaOther].sort());
    // Torn down: gone from the live list, found under ended and all.
    await db().instance.update({ where: { uuid: bobLab }, data: { phase: "Expiring" } });
    await db().instance.update({ where: { uuid: bobLab }, data: { deletedAt: new Date() } });
    expect(await uuids({})).not.toContain(bobLab);
    expect(await uuids({ show: "ended" })).toEqual([bobLab]);
    expect((await uuids({ show: "all" })).length).toBe(5);
    expect((await listAllInstances(admin, { searchParams: { show: "ended" } })).rows[0]).toMatchObject({ endedAt: expect.any(String), problem: null });
    // Text that means something to SQL's LIKE is refused before it reaches it; a valid owner that matches nothing lists nothing.
    expect(await uuids({ owner: "zz-nobody" })).toEqual([]);
  });

  it("sorts by every column both ways, rows without a value last, and pages", async () => {
    const ordered = async (sort: string, order: string) => (await listAllInstances(admin, { searchParams: { sort, order, show: "all" } })).rows;
    const owners = (await ordered("owner", "asc")).map((r) => r.owner);
    expect(owners).toEqual(["ada", "ada", "bob", null, null]);
    expect((await ordered("owner", "desc")).map((r) => r.owner)).toEqual(["bob", "ada", "ada", null, null]);
    expect((await ordered("expires", "asc"))[0]!.uuid).toBe(adaLab);
    expect((await ordered("expires", "asc")).slice(-2).every((r) => r.expiresAt === null)).toBe(true);
    expect((await ordered("template", "asc")).map((r) => r.template)).toEqual(["lab", "lab", "lab-pool", "lab-pool", "other-lab"]);
    expect((await ordered("phase", "asc"))[0]!.phase).toBe("Pending");
    const byUuid = (await ordered("uuid", "desc")).map((r) => r.uuid);
    expect(byUuid).toEqual([...byUuid].sort().reverse());
    expect((await ordered("created", "asc")).at(-1)!.uuid).toBe(adaOther);

    const paged = await createLaunchTemplate("paged-pool", { method: "pool", poolSize: 0 });
    const members = await insertAvailableMembers(paged.id, PAGE_SIZE + 3);
    const first = await listAllInstances(admin, { searchParams: { template: "paged-pool", sort: "uuid", order: "asc" } });
    const second = await listAllInstances(admin, { searchParams: { template: "paged-pool", sort: "uuid", order: "asc", page: "2" } });
    expect(first).toMatchObject({ total: PAGE_SIZE + 3, pages: 2 });
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect([...first.rows, ...second.rows].map((r) => r.uuid)).toEqual([...members].sort());
    expect((await listAllInstances(admin, { searchParams: { template: "paged-pool", page: "9" } })).rows).toEqual([]);
  });

  it("answers the same on GET /api/v1/admin/environments, filters in the query string", async () => {
    const response = await send(listRoute.GET, "/api/v1/admin/environments?template=lab&show=all&sort=owner&order=asc", { token: tokens.admin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total: 2, rows: [{ uuid: adaLab, owner: "ada" }, { uuid: bobLab, owner: "bob" }] });
  });

  it("refuses every parameter it does not understand, naming it, on the use case and the API", async () => {
    const cases: [string, string][] = [
      ["phase=failed", "phase"],
      ["page=0", "page"],
      ["page=abc", "page"],
      ["page=1.5", "page"],
      ["sort=name", "sort"],
      ["order=up", "order"],
      ["expiring=3h", "expiring"],
      ["failed=yes", "failed"],
      ["show=deleted", "show"],
      [`template=${"a".repeat(101)}`, "template"],
      ["search=ada", "search"],
      ...HOSTILE.map((value): [string, string] => [`owner=${encodeURIComponent(value)}`, "owner"]),
      ...HOSTILE.map((value): [string, string] => [`template=${encodeURIComponent(value)}`, "template"]),
    ];
    for (const [query, field] of cases) {
      const response = await send(listRoute.GET, `/api/v1/admin/environments?${query}`, { token: tokens.admin });
      expect(response.status, query).toBe(400);
      expect(response.body, query).toMatchObject({ code: "INVALID_INPUT", fields: { [field]: [expect.any(String)] } });
      const params = Object.fromEntries(new URLSearchParams(query));
      await expect(listAllInstances(admin, { searchParams: params }), query).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { [field]: expect.any(Array) } });
    }
    expect((await send(listRoute.GET, "/api/v1/admin/environments?phase=Failed&phase=Ready", { token: tokens.admin })).body).toMatchObject({ code: "INVALID_INPUT", fields: { phase: ["is given more than once"] } });
    expect((await send(listRoute.GET, "/api/v1/admin/environments?owner=a%00b", { token: tokens.admin })).status).toBe(400);
    await expect(listAllInstances(admin, { searchParams: { phase: 7 } })).rejects.toMatchObject({ fields: { phase: ["must be text"] } });
    await expect(listAllInstances(admin, { searchParams: "phase=Failed" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("is for admins only: teachers and students get 403, callers signed out 401, and learn nothing", async () => {
    for (const who of [teacher, ada, bob]) {
      await expect(listAllInstances(who, { searchParams: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(listEnvironmentFilterChoices(who)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(listAllInstances(null, { searchParams: {} })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(listEnvironmentFilterChoices(null)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    for (const token of [tokens.teacher, tokens.ada, tokens.bob]) {
      const refused = await send(listRoute.GET, "/api/v1/admin/environments?template=lab", { token });
      expect(refused).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
      expect(JSON.stringify(refused.body)).not.toContain(adaLab);
    }
    // Refused before the parameters are read: a bad filter says nothing to someone who may not list.
    expect((await send(listRoute.GET, "/api/v1/admin/environments?phase=nope", { token: tokens.ada })).status).toBe(403);
    expect((await send(listRoute.GET, "/api/v1/admin/environments")).status).toBe(401);
  });
});

describe("one environment in full", () => {
  it("shows its parameters, rendered values, Flux's conditions, its history with times and its audit trail", async () => {
    const hal = await createUser({ name: "hal" });
    const launched = (await launchInstance(hal, { template: "other-lab", params: { greeting: "détail ✓" } })).environment.uuid;
    const conditions = [{ object: "HelmRepository", type: "Ready", status: "False", reason: "IndexationFailed", message: "connection refused", at: "2026-12-01T10:00:00Z" }];
    await db().instance.update({ where: { uuid: launched }, data: { phase: "Provisioning", step: "applying", conditions } });
    await db().instance.update({ where: { uuid: launched }, data: { step: "fetching", health: "degraded", message: "Chart source: connection refused" } });
    // A change of message alone is not a moment of its history.
    await db().instance.update({ where: { uuid: launched }, data: { message: "Chart source: still refused" } });
    await fail(launched);

    const detail = await getInstanceDetail(admin, { uuid: launched });
    expect(detail).toMatchObject({
      uuid: launched,
      template: "other-lab",
      owner: "hal",
      phase: "Failed",
      method: "on_demand",
      params: { greeting: "détail ✓" },
      values: { greeting: "détail ✓", owner: "hal" },
      conditions,
      createdBy: "hal",
      problem: { kind: "source-unreachable" },
      actions: { extend: expect.stringMatching(/failed to start/), end: null, retry: null },
    });
    expect(detail.history.map((h) => [h.phase, h.step, h.ended])).toEqual([
      ["Pending", null, false],
      ["Provisioning", "applying", false],
      ["Provisioning", "fetching", false],
      ["Failed", "fetching", false],
    ]);
    expect(detail.history.at(-1)!.message).toMatch(/^Gave up after 10 s/);
    const times = detail.history.map((h) => Date.parse(h.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(detail.audit).toEqual([expect.objectContaining({ actor: "hal", action: "instance.launch", after: expect.objectContaining({ template: "other-lab", owner: "hal" }) })]);

    // Ended and torn down: its history says so, and admins still find it.
    await releaseInstance(hal, { uuid: launched });
    await db().instance.update({ where: { uuid: launched }, data: { deletedAt: new Date(), health: null } });
    const ended = await getInstanceDetail(admin, { uuid: launched });
    expect(ended.history.slice(-2).map((h) => [h.phase, h.ended, h.message])).toEqual([
      ["Expiring", false, "Deleted by hal"],
      ["Expiring", true, "Deleted by hal"],
    ]);
    expect(ended).toMatchObject({ endedAt: expect.any(String), actions: { extend: "It has been torn down.", end: "It has been torn down.", retry: "It has been torn down." } });
    expect(ended.audit.map((a) => a.action)).toEqual(["instance.launch", "instance.release"]);

    const response = await send(detailRoute.GET, `/api/v1/admin/environments/${launched}`, { token: tokens.admin, params: { uuid: launched } });
    expect(response).toMatchObject({ status: 200, body: { uuid: launched, history: expect.any(Array) } });
  });

  it("answers 404 for an unknown or malformed id, and 403/401 to anyone but an admin", async () => {
    const uuid = (await db().instance.findFirstOrThrow({ where: { ownerKey: "ada" } })).uuid;
    for (const bad of ["00000000", "ABCDEF12", "abc", "", ...HOSTILE]) {
      await expect(getInstanceDetail(admin, { uuid: bad }), bad).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await send(detailRoute.GET, `/api/v1/admin/environments/x`, { token: tokens.admin, params: { uuid: bad } })).status, bad).toBe(404);
    }
    await expect(getInstanceDetail(admin, { uuid: 12345678 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getInstanceDetail(admin, null as never)).rejects.toMatchObject({ code: "NOT_FOUND" });
    for (const who of [teacher, ada, bob]) await expect(getInstanceDetail(who, { uuid })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getInstanceDetail(null, { uuid })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    // Even its owner reads it through their own pages, not this one.
    expect((await send(detailRoute.GET, `/api/v1/admin/environments/${uuid}`, { token: tokens.ada, params: { uuid } })).status).toBe(403);
    expect((await send(detailRoute.GET, `/api/v1/admin/environments/${uuid}`, { params: { uuid } })).status).toBe(401);
  });
});

describe("bulk actions", () => {
  let course: string[];
  let ending: string;
  let failed: string;
  beforeAll(async () => {
    await createLaunchTemplate("course", { ttlSeconds: 3600, ttlExtendSeconds: 600, ttlMaxExtends: 1 });
    const students = await Promise.all(["c1", "c2", "c3", "c4", "c5"].map((name) => createUser({ name })));
    course = [];
    for (const student of students) course.push((await launchInstance(student, { template: "course" })).environment.uuid);
    [, , , ending, failed] = course as [string, string, string, string, string];
    await releaseInstance(students[3]!, { uuid: ending });
    await fail(failed);
  });

  const live = () => db().instance.findMany({ where: { uuid: { in: course } }, orderBy: { uuid: "asc" } });

  it("previews what an action would do, changing nothing", async () => {
    const before = await snapshot();
    const preview = await previewBulkAction(admin, { action: "end", filter: { template: "course" } });
    expect(preview).toMatchObject({ action: "end", count: 5, question: "End 5 environments?", summary: "Ends 4 environments; 1 already ending.", counts: { ended: 4, "already-ending": 1 } });
    expect(preview.items.map((i) => i.uuid).sort()).toEqual([...course].sort());
    expect(preview.items.find((i) => i.uuid === ending)).toEqual({ uuid: ending, template: "course", owner: "c4", phase: "Expiring", outcome: "already-ending", reason: "It is already being torn down." });
    const extend = await previewBulkAction(admin, { action: "extend", uuids: [course[0]!, failed, "0badf00d"] });
    expect(extend.items).toEqual([
      { uuid: course[0], template: "course", owner: "c1", phase: "Pending", outcome: "extended", reason: null },
      { uuid: failed, template: "course", owner: "c5", phase: "Failed", outcome: "refused", reason: expect.stringMatching(/failed to start/) },
      { uuid: "0badf00d", template: null, owner: null, phase: null, outcome: "not-found", reason: "There is no such environment." },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it("acts only once confirmed with the count the selection has now", async () => {
    const before = await snapshot();
    await expect(runBulkAction(admin, { action: "end", filter: { template: "course" } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: 'End 5 environments? Nothing was changed: confirm with the count ("confirm": 5).',
      fields: { confirm: [expect.any(String)] },
    });
    await expect(runBulkAction(admin, { action: "end", filter: { template: "course" }, confirm: 4 })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/^The selection now holds 5 environments, not 4: nothing was changed/),
    });
    await expect(runBulkAction(admin, { action: "extend", uuids: [course[0]!, course[1]!], confirm: 1 })).rejects.toMatchObject({ code: "CONFLICT" });
    const refused = await send(bulkRoute.POST, "/api/v1/admin/environments/bulk", { method: "POST", token: tokens.admin, body: JSON.stringify({ action: "end", filter: { template: "course" } }) });
    expect(refused).toMatchObject({ status: 409, body: { code: "CONFLICT", fields: { confirm: [expect.stringContaining("End 5 environments?")] } } });
    expect(await snapshot()).toEqual(before);
  });

  it("extends the picked environments within their limits, says why for the others, and audits each with the admin as actor", async () => {
    const [first, second] = course as [string, string];
    const beforeRows = await live();
    const result = await runBulkAction(admin, { action: "extend", uuids: [first, second, failed, ending], confirm: 4 });
    expect(result).toMatchObject({ action: "extend", count: 4, counts: { extended: 2, refused: 1, "already-ending": 1 }, summary: "Extended 2 environments; 1 already ending; 1 refused." });
    for (const uuid of [first, second]) {
      const was = beforeRows.find((r) => r.uuid === uuid)!;
      const now = await db().instance.findUniqueOrThrow({ where: { uuid } });
      expect(now.expiresAt!.getTime() - was.expiresAt!.getTime()).toBe(600_000);
      expect(now.extendCount).toBe(1);
      const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "instance.extend", objectId: uuid } });
      expect(audit).toMatchObject({ actorName: "root-admin", before: { extendCount: 0, expiresAt: was.expiresAt!.toISOString() }, after: { extendCount: 1, reason: "bulk extend by an admin" } });
    }
    expect(await db().instance.findUniqueOrThrow({ where: { uuid: failed } })).toEqual(beforeRows.find((r) => r.uuid === failed));
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "instance.bulk-extend" } })).toMatchObject({
      actorName: "root-admin",
      objectType: "instance",
      before: { uuids: [first, second, failed, ending], count: 4 },
      after: { counts: { extended: 2, refused: 1, "already-ending": 1 } },
    });
    // No extension left now: a second round refuses them, with why.
    const again = await runBulkAction(admin, { action: "extend", uuids: [first], confirm: 1 });
    expect(again.items[0]).toMatchObject({ outcome: "refused", reason: expect.stringMatching(/extended the maximum of 1 time/) });
  });

  it("ends every environment a filter matches, computed on the server, through the one step that ends an instance", async () => {
    const endable = course.filter((uuid) => uuid !== ending);
    let result: Awaited<ReturnType<typeof runBulkAction>> | undefined;
    const payloads = await notificationsDuring(async () => {
      result = await runBulkAction(admin, { action: "end", filter: { template: "course" }, confirm: 5 });
    });
    expect(result).toMatchObject({ count: 5, counts: { ended: 4, "already-ending": 1 }, summary: "Ended 4 environments; 1 already ending." });
    expect(payloads).toEqual(expect.arrayContaining(endable));
    for (const uuid of endable) {
      expect(await db().instance.findUniqueOrThrow({ where: { uuid } })).toMatchObject({ phase: "Expiring", message: "Ended by an administrator (root-admin)" });
      const releases = await db().auditEvent.findMany({ where: { action: "instance.release", objectId: uuid } });
      expect(releases).toEqual([expect.objectContaining({ actorName: "root-admin", before: expect.objectContaining({ phase: expect.any(String) }), after: expect.objectContaining({ phase: "Expiring", reason: "bulk end by an admin" }) })]);
    }
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "instance.bulk-end" } })).toMatchObject({ before: { filter: { template: "course" }, count: 5 }, after: { counts: { ended: 4 } } });
    // Ending again changes nothing: each is already ending.
    const twice = await runBulkAction(admin, { action: "end", filter: { template: "course" }, confirm: 5 });
    expect(twice.counts).toMatchObject({ ended: 0, "already-ending": 5 });
  });

  it("ends a pool member nobody claimed, and its pool is woken to replace it", async () => {
    const member = (await db().instance.findFirstOrThrow({ where: { templateId: poolId, ownerKey: null, phase: "Available" } })).uuid;
    const bulkEntries = await db().auditEvent.count({ where: { action: "instance.bulk-end" } });
    const payloads = await notificationsDuring(() => runBulkAction(admin, { action: "end", uuids: [member], confirm: 1 }));
    expect(payloads).toEqual(expect.arrayContaining([member, POOL_WAKE_PREFIX + poolId]));
    expect(await db().instance.findUniqueOrThrow({ where: { uuid: member } })).toMatchObject({ phase: "Expiring" });
    // One environment from its page: no bulk entry, its own release entry only.
    expect(await db().auditEvent.count({ where: { action: "instance.bulk-end" } })).toBe(bulkEntries);
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "instance.release", objectId: member } })).toMatchObject({ after: { reason: "ended by an admin" } });
  });

  it("never ends one environment twice when two admins act at once", async () => {
    const racing = await createLaunchTemplate("race-course");
    const students = await Promise.all(["r1", "r2", "r3", "r4"].map((name) => createUser({ name })));
    const uuids: string[] = [];
    for (const student of students) uuids.push((await launchInstance(student, { template: "race-course" })).environment.uuid);
    const results = await Promise.all([0, 1].map(() => runBulkAction(admin, { action: "end", filter: { template: racing.name }, confirm: 4 })));
    expect(results.map((r) => r.counts.ended).sort()).toEqual([0, 4]);
    for (const uuid of uuids) expect(await db().auditEvent.count({ where: { action: "instance.release", objectId: uuid } })).toBe(1);
  });

  it("refuses a filter that matches more than a bulk action takes, with the count, changing nothing", async () => {
    const big = await createLaunchTemplate("big-pool", { method: "pool", poolSize: 0 });
    await insertAvailableMembers(big.id, MAX_BULK + 2);
    const before = await snapshot();
    const message = `This filter matches ${MAX_BULK + 2} environments: a bulk action takes at most ${MAX_BULK}. Narrow the filter (a template, an owner, a phase) and act in parts.`;
    await expect(previewBulkAction(admin, { action: "end", filter: { template: "big-pool" } })).rejects.toMatchObject({ code: "INVALID_INPUT", message, fields: { filter: [message] } });
    await expect(runBulkAction(admin, { action: "end", filter: { template: "big-pool" }, confirm: MAX_BULK })).rejects.toMatchObject({ code: "INVALID_INPUT", message });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses bodies of the wrong shape, naming the field, on the use cases, the API and the action, changing nothing", async () => {
    const some = course[0]!;
    const before = await snapshot();
    const bodies: [unknown, string][] = [
      [{}, "action"],
      [{ action: "delete", uuids: [some], confirm: 1 }, "action"],
      [{ action: "end" }, "selection"],
      [{ action: "end", uuids: [some], filter: {}, confirm: 1 }, "selection"],
      [{ action: "end", uuids: some, confirm: 1 }, "uuids"],
      [{ action: "end", uuids: [], confirm: 0 }, "uuids"],
      [{ action: "end", uuids: [some, some], confirm: 2 }, "uuids"],
      [{ action: "end", uuids: Array.from({ length: MAX_BULK + 1 }, (_, i) => i.toString(16).padStart(8, "0")), confirm: MAX_BULK }, "uuids"],
      [{ action: "end", uuids: [some], confirm: -1 }, "confirm"],
      [{ action: "end", uuids: [some], confirm: "one" }, "confirm"],
      [{ action: "end", uuids: [some], confirm: 1, everything: true }, "everything"],
      [{ action: "end", filter: { show: "all" }, confirm: 1 }, "filter.show"],
      [{ action: "end", filter: { sort: "owner" }, confirm: 1 }, "filter.sort"],
      [{ action: "end", filter: { template: 7 }, confirm: 1 }, "filter.template"],
      [{ action: "end", filter: "template=course", confirm: 1 }, "filter"],
      ...HOSTILE.map((value): [unknown, string] => [{ action: "end", uuids: [value], confirm: 1 }, "uuids"]),
      ...HOSTILE.map((value): [unknown, string] => [{ action: "end", filter: { owner: value }, confirm: 1 }, "filter.owner"]),
      ...HOSTILE.map((value): [unknown, string] => [{ action: "end", filter: { phase: value }, confirm: 1 }, "filter.phase"]),
    ];
    session.identity = admin;
    for (const [body, field] of bodies) {
      const label = JSON.stringify(body).slice(0, 120);
      await expect(runBulkAction(admin, body), label).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { [field]: expect.any(Array) } });
      await expect(previewBulkAction(admin, body), label).rejects.toMatchObject({ code: "INVALID_INPUT" });
      const response = await send(bulkRoute.POST, "/api/v1/admin/environments/bulk", { method: "POST", token: tokens.admin, body: JSON.stringify(body) });
      expect(response.status, label).toBe(400);
      expect(response.body.fields, label).toHaveProperty([field]);
      expect(await call(bulkAction, { request: JSON.stringify(body) }), label).toMatchObject({ ok: false, fieldErrors: { [field]: expect.any(Array) } });
    }
    for (const body of ["not json", "[1]", '"end"', ""]) {
      expect((await send(bulkRoute.POST, "/api/v1/admin/environments/bulk", { method: "POST", token: tokens.admin, body })).status, body).toBe(400);
    }
    expect((await send(bulkRoute.POST, "/api/v1/admin/environments/bulk", { method: "POST", token: tokens.admin, body: JSON.stringify({ action: "end", filter: { owner: "x".repeat(70_000) } }) })).status).toBe(413);
    expect((await send(bulkRoute.POST, "/api/v1/admin/environments/bulk", { method: "POST", token: tokens.admin, body: '{"action": "end", "uuids": ["0000\\u0000abc"], "confirm": 1}' })).status).toBe(400);
    expect(await call(bulkAction, { request: "not json" })).toMatchObject({ ok: false, fieldErrors: { request: ["Send the bulk action as JSON."] } });
    expect(await call(bulkAction, { request: "x".repeat(64 * 1024 + 1) })).toMatchObject({ ok: false, fieldErrors: { request: ["The request is too large."] } });
    expect(await call(bulkAction, {})).toMatchObject({ ok: false, fieldErrors: { request: expect.any(Array) } });
    expect(await call(bulkPreviewAction, { request: "{" })).toMatchObject({ ok: false, fieldErrors: { request: expect.any(Array) } });
    expect(await snapshot()).toEqual(before);
  });

  it("is for admins only, on the use cases, the API and the actions; a request from another site is refused; nothing changes", async () => {
    const target = await createLaunchTemplate("guarded");
    const own = (await launchInstance(ada, { template: "guarded" })).environment.uuid;
    const body = { action: "end", uuids: [own], confirm: 1 };
    const before = await snapshot();
    for (const who of [teacher, ada, bob]) {
      await expect(runBulkAction(who, body)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(previewBulkAction(who, body)).rejects.toMatchObject({ code: "FORBIDDEN" });
      session.identity = who;
      expect(await call(bulkAction, { request: JSON.stringify(body) })).toMatchObject({ ok: false, message: "You do not have permission to do that." });
      expect(await call(bulkPreviewAction, { request: JSON.stringify(body) })).toMatchObject({ ok: false, message: "You do not have permission to do that." });
    }
    for (const token of [tokens.teacher, tokens.ada, tokens.bob]) {
      expect(await send(bulkRoute.POST, "/api/v1/admin/environments/bulk", { method: "POST", token, body: JSON.stringify(body) })).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
    }
    await expect(runBulkAction(null, body)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    session.identity = null;
    expect(await call(bulkAction, { request: JSON.stringify(body) })).toMatchObject({ ok: false, message: "Your session has ended. Please sign in again." });
    expect((await send(bulkRoute.POST, "/api/v1/admin/environments/bulk", { method: "POST", body: JSON.stringify(body) })).status).toBe(401);
    // An admin's browser made to post from another site is refused before anything is read.
    session.identity = admin;
    const forged = await send(bulkRoute.POST, "/api/v1/admin/environments/bulk", { method: "POST", cookie: true, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" }, body: JSON.stringify(body) });
    expect(forged).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
    expect(await snapshot()).toEqual(before);
    // The same request from the portal's own page goes through.
    const ok = await send(bulkRoute.POST, "/api/v1/admin/environments/bulk", { method: "POST", cookie: true, headers: { origin: BASE, "sec-fetch-site": "same-origin" }, body: JSON.stringify(body) });
    expect(ok).toMatchObject({ status: 200, body: { counts: { ended: 1 } } });
    expect(target.name).toBe("guarded");
  });
});

describe("retrying a failed environment", () => {
  it("lets an admin retry someone else's: it ends, and the template is launched again for its owner with the same parameters, audited as the admin", async () => {
    const dana = await createUser({ name: "dana" });
    const failed = (await launchInstance(dana, { template: "lab", params: { greeting: "again" } })).environment.uuid;
    await fail(failed);
    const result = await retryInstance(admin, { uuid: failed });
    expect(result).toMatchObject({ retried: failed, outcome: "created", environment: { name: "lab", owner: "dana", params: { greeting: "again" }, phase: "Pending" } });
    expect(await db().instance.findUniqueOrThrow({ where: { uuid: failed } })).toMatchObject({ phase: "Expiring", message: "Retried by root-admin" });
    const created = await db().instance.findUniqueOrThrow({ where: { uuid: result.environment.uuid } });
    expect(created).toMatchObject({ ownerKey: "dana", createdById: dana.userId, values: { greeting: "again", owner: "dana" } });
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "instance.release", objectId: failed } })).toMatchObject({ actorName: "root-admin", after: { reason: "retry" } });
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "instance.launch", objectId: result.environment.uuid } })).toMatchObject({
      actorName: "root-admin",
      after: { template: "lab", owner: "dana", outcome: "created" },
    });
  });

  it("lets owners retry theirs on POST /api/v1/environments/{uuid}/retry and through the page's action", async () => {
    const erin = await createUser({ name: "erin" });
    const failed = (await launchInstance(erin, { template: "other-lab" })).environment.uuid;
    await fail(failed);
    const response = await send(retryRoute.POST, `/api/v1/environments/${failed}/retry`, { method: "POST", token: (await createApiToken(erin, { name: "retry" })).token, params: { uuid: failed } });
    expect(response).toMatchObject({ status: 201, body: { retried: failed, outcome: "created", owner: "erin", name: "other-lab" } });
    expect(response.headers.get("location")).toBe(`/api/v1/environments/${response.body.uuid as string}`);
    const next = response.body.uuid as string;
    await fail(next);
    session.identity = admin;
    expect(await call(retryAction, { uuid: next })).toMatchObject({ ok: true, result: { retried: next, outcome: "created" } });
  });

  it("answers 200 with the owner's other environment of the template when they already have one, ending the failed one", async () => {
    const hal = await createUser({ name: "hal" });
    const failed = (await launchInstance(hal, { template: "other-lab" })).environment.uuid;
    // A second one of the same template, as a claim racing the launch can leave: launched by another, handed to hal.
    const other = (await launchInstance(await createUser({ name: "ivy" }), { template: "other-lab" })).environment.uuid;
    await db().instance.update({ where: { uuid: other }, data: { ownerKey: "hal" } });
    await fail(failed);
    const response = await send(retryRoute.POST, `/api/v1/environments/${failed}/retry`, { method: "POST", token: (await createApiToken(hal, { name: "retry" })).token, params: { uuid: failed } });
    expect(response).toMatchObject({ status: 200, body: { retried: failed, outcome: "existing", uuid: other } });
  });

  it("refuses what cannot be retried, saying why, and changes nothing", async () => {
    const running = (await launchInstance(await createUser({ name: "gus" }), { template: "other-lab" })).environment.uuid;
    const before = await snapshot();
    await expect(retryInstance(admin, { uuid: running })).rejects.toMatchObject({ code: "CONFLICT", message: "Only an environment that failed to start can be retried. This one is Pending." });
    expect(await send(retryRoute.POST, `/api/v1/environments/${running}/retry`, { method: "POST", token: tokens.admin, params: { uuid: running } })).toMatchObject({ status: 409, body: { code: "CONFLICT" } });
    // A pool member nobody claimed: the pool replaces it by itself.
    const member = (await db().instance.findFirstOrThrow({ where: { templateId: poolId, ownerKey: null, phase: "Available" } })).uuid;
    await db().instance.update({ where: { uuid: member }, data: { phase: "Failed" } });
    const withFailedMember = await snapshot();
    await expect(retryInstance(admin, { uuid: member })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await snapshot()).toEqual(withFailedMember);
    expect(before.audit).toBe(withFailedMember.audit);
  });

  it("refuses a retry for an owner whose account is disabled, or of a deleted template, before ending anything", async () => {
    const carol = await createUser({ name: "carol" });
    await createLaunchTemplate("doomed");
    const ofDisabled = (await launchInstance(carol, { template: "lab" })).environment.uuid;
    const ofDeleted = (await launchInstance(ada, { template: "doomed" })).environment.uuid;
    await fail(ofDisabled);
    await fail(ofDeleted);
    await db().user.update({ where: { id: carol.userId }, data: { disabledAt: new Date() } });
    await deleteTemplate(admin, { name: "doomed", instances: "keep" });
    const before = await snapshot();
    await expect(retryInstance(admin, { uuid: ofDisabled })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/the account that launched it is gone or disabled/) });
    await expect(retryInstance(admin, { uuid: ofDeleted })).rejects.toMatchObject({ code: "CONFLICT", message: '"doomed" has been deleted: it cannot be launched again. End this environment instead.' });
    await expect(retryInstance(ada, { uuid: ofDeleted })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await snapshot()).toEqual(before);
  });

  it("is refused to everyone else: other students and teachers find nothing (404), callers signed out 401, and nothing changes", async () => {
    const fay = await createUser({ name: "fay" });
    const failed = (await launchInstance(fay, { template: "other-lab" })).environment.uuid;
    await fail(failed);
    const before = await snapshot();
    for (const who of [bob, teacher]) await expect(retryInstance(who, { uuid: failed })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(retryInstance(null, { uuid: failed })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    for (const token of [tokens.bob, tokens.teacher]) {
      expect((await send(retryRoute.POST, `/api/v1/environments/${failed}/retry`, { method: "POST", token, params: { uuid: failed } })).status).toBe(404);
    }
    expect((await send(retryRoute.POST, `/api/v1/environments/${failed}/retry`, { method: "POST", params: { uuid: failed } })).status).toBe(401);
    session.identity = fay;
    const forged = await send(retryRoute.POST, `/api/v1/environments/${failed}/retry`, { method: "POST", cookie: true, headers: { "sec-fetch-site": "cross-site" }, params: { uuid: failed } });
    expect(forged.status).toBe(403);
    for (const bad of ["00000000", "ABCDEF12", ...HOSTILE]) {
      await expect(retryInstance(admin, { uuid: bad }), bad).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await send(retryRoute.POST, "/api/v1/environments/x/retry", { method: "POST", token: tokens.admin, params: { uuid: bad } })).status, bad).toBe(404);
    }
    session.identity = bob;
    expect(await call(retryAction, { uuid: failed })).toMatchObject({ ok: false, message: expect.stringMatching(/^There is no environment/) });
    expect(await call(retryAction, { uuid: "'; DROP TABLE instances; --" })).toMatchObject({ ok: false, fieldErrors: { uuid: ["Not an environment id."] } });
    expect(await call(retryAction, {})).toMatchObject({ ok: false, fieldErrors: { uuid: expect.any(Array) } });
    session.identity = null;
    expect(await call(retryAction, { uuid: failed })).toMatchObject({ ok: false, message: "Your session has ended. Please sign in again." });
    expect(await snapshot()).toEqual(before);
  });
});

describe("the OpenAPI document", () => {
  it("is generated from the schemas the routes use, and every answer it lists for these routes was checked above", () => {
    // The checker catches a body that does not fit: a row without its uuid is refused.
    expect(checker.problems("/api/v1/admin/environments/{uuid}", "GET", { status: 200, text: "{}", body: {} }).join("\n")).toMatch(/must have required property 'uuid'/);
    const schemas = (openApiDocument.components.schemas as Record<string, unknown>);
    for (const id of ["AdminEnvironment", "AdminEnvironmentPage", "AdminEnvironmentDetail", "BulkRequest", "BulkResult", "RetryResult"]) expect(schemas, id).toHaveProperty([id]);
    // 503 comes from a portal without a cluster to launch on, which these tests do not run (test/integration/launch*.test.ts do).
    const unseen = [...checker.unseen("/api/v1/admin/environments"), ...checker.unseen("/api/v1/environments/{uuid}/retry")];
    expect(unseen.filter((key) => key !== "POST /api/v1/environments/{uuid}/retry 503")).toEqual([]);
  });
});
