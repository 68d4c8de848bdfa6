import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as bulkRoute from "@/app/api/v1/classes/[slug]/environments/bulk/route";
import * as environmentsRoute from "@/app/api/v1/classes/[slug]/environments/route";
import * as openRoute from "@/app/(staff)/teach/classes/[slug]/open/[uuid]/route";
import type { ActionState } from "@/lib/auth/actions";
import { openApiDocument } from "@/lib/api/openapi";
import { db } from "@/lib/db/client";
import { invalidateTemplateCache } from "@/lib/db/templates";
import { MAX_CLASS_BULK } from "@/lib/domain/class-view";
import type { Identity } from "@/lib/domain/identity";
import { getClassEnvironments } from "@/lib/services/classes/get-class-environments";
import { openStudentInstance } from "@/lib/services/classes/open-student-instance";
import { OUT_OF_CLASS_REASON, runClassBulkAction, type ClassBulkResult } from "@/lib/services/classes/run-class-bulk";
import { planScopedBulk } from "@/lib/services/instances/internal/bulk";
import { launchInstance } from "@/lib/services/instances/launch";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser } from "@/test/support/launch";
import { openApiChecker } from "@/test/support/openapi";

/**
 * The teacher's class view against the real PostgreSQL: the grid (who is a member, which templates, which
 * environment each cell shows, group-owned templates), its filters, the class-scoped bulk actions and Open,
 * through the use cases, the REST routes (real personal tokens; every answer checked against the OpenAPI
 * document) and the page's server action. Every role calls each of them; what is refused, or names
 * environments outside the class, leaves every row and the audit trail as they were.
 */

const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));
const { classBulkAction } = await import("@/app/(staff)/teach/classes/[slug]/actions");

allowLaunching();
setupTestDatabase();

const BASE = "http://envdeck.test";
const checker = openApiChecker(JSON.parse(JSON.stringify(openApiDocument)) as Record<string, unknown>);
const HOSTILE = ["'; DROP TABLE instances; --", "<script>alert(1)</script>", "élève", "ａｌｉｃｅ", "a\u202eb", "../../etc/passwd", "x' OR '1'='1", "%", "__proto__"];

type Who = "admin" | "teacherA" | "teacherB" | "ada" | "eve";
const people = {} as Record<Who | "bob" | "cyd" | "zed", Identity>;
const tokens = {} as Record<Who, string>;
const uuids = {} as Record<"adaLab" | "bobLab" | "adaNotes" | "adaOutside" | "eveLab" | "zedLab" | "cydTeam" | "eveOther", string>;

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a route handler as Next does, with a personal token (or none), and checks documented API answers. */
async function send(route: { path: string; handler: unknown; documented: boolean }, options: { as?: Who; params: Record<string, string>; query?: string; body?: unknown; method?: string; headers?: Record<string, string> }) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = `Bearer ${tokens[options.as]}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const url = `${BASE}${route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params[name]!))}${options.query ?? ""}`;
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  const request = new Request(url, { method, headers, body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body) });
  const response = await (route.handler as Handler)(request, { params: Promise.resolve(options.params) });
  const text = await response.text();
  const isJson = (response.headers.get("content-type") ?? "").includes("json");
  const body = (isJson && text ? JSON.parse(text) : text) as Record<string, unknown> & { code?: string; fields?: Record<string, string[]>; error?: string };
  if (route.documented) expect(checker.problems(route.path, method, { status: response.status, text, body })).toEqual([]);
  return { status: response.status, headers: response.headers, body, text };
}

const GRID = { path: "/api/v1/classes/{slug}/environments", handler: environmentsRoute.GET, documented: true };
const BULK = { path: "/api/v1/classes/{slug}/environments/bulk", handler: bulkRoute.POST, documented: true };
const OPEN = { path: "/teach/classes/{slug}/open/{uuid}", handler: openRoute.GET, documented: false };

/** Every row and entry a refused call must leave as it was. */
async function snapshot() {
  const [instances, audit] = await Promise.all([db().instance.findMany({ orderBy: { uuid: "asc" } }), db().auditEvent.count()]);
  return { instances, audit };
}

async function makeReady(uuid: string) {
  await db().instance.update({ where: { uuid }, data: { phase: "Provisioning", step: "installing" } });
  await db().instance.update({ where: { uuid }, data: { phase: "Ready", step: "ready", health: "healthy", url: `https://env-${uuid}.test/`, readyAt: new Date() } });
}

function cellOf(view: Awaited<ReturnType<typeof getClassEnvironments>>, student: string, template: string) {
  const row = view.students.find((s) => s.username === student);
  return row?.cells.find((c) => c.template === template);
}

beforeAll(async () => {
  people.admin = await createUser({ name: "cv-admin", roles: ["admin", "teacher", "student"] });
  people.teacherA = await createUser({ name: "cv-teacher-a", roles: ["teacher", "student"] });
  people.teacherB = await createUser({ name: "cv-teacher-b", roles: ["teacher", "student"] });
  people.ada = await createUser({ name: "ada" });
  people.bob = await createUser({ name: "bob" });
  people.cyd = await createUser({ name: "cyd", groups: ["net-101-lab"] });
  people.eve = await createUser({ name: "eve" });
  people.zed = await createUser({ name: "zed" });
  for (const who of ["admin", "teacherA", "teacherB", "ada", "eve"] as const) tokens[who] = (await createApiToken(people[who], { name: "class-view" })).token;

  const lab = await createLaunchTemplate("lab", { displayName: "Web Terminal", ttlSeconds: 3600, ttlExtendSeconds: 1800, ttlMaxExtends: 1 });
  const notes = await createLaunchTemplate("notes", { displayName: "Notebook", ttlSeconds: 3600 });
  const team = await createLaunchTemplate("team", { displayName: "Team Desktop", spec: { ownerClaim: "groups" } });
  const outside = await createLaunchTemplate("outside", { displayName: "Outside" });
  await db().template.update({ where: { id: lab.id }, data: { teacherAccess: true } });
  await db().template.update({ where: { id: team.id }, data: { teacherAccess: true } });
  invalidateTemplateCache();

  // net101: ada and bob joined by code, cyd through a bound group; other: eve. zed is in no class.
  const net = await db().class.create({ data: { slug: "net101", title: "Networks 101", groups: ["net-101-lab"] } });
  const other = await db().class.create({ data: { slug: "other", title: "Other class" } });
  await db().classTeacher.createMany({ data: [{ classId: net.id, userId: people.teacherA.userId }, { classId: other.id, userId: people.teacherB.userId }] });
  await db().classMember.createMany({
    data: [
      { classId: net.id, userId: people.ada.userId, via: "link" },
      { classId: net.id, userId: people.bob.userId, via: "teacher" },
      { classId: other.id, userId: people.eve.userId, via: "link" },
    ],
  });
  const k1 = await db().catalog.create({ data: { slug: "net-labs", title: "A labs" } });
  const k2 = await db().catalog.create({ data: { slug: "net-extra", title: "B extra" } });
  const k3 = await db().catalog.create({ data: { slug: "other-cat", title: "Other" } });
  await db().catalogItem.createMany({
    data: [
      { catalogId: k1.id, templateId: lab.id, position: 0 },
      { catalogId: k1.id, templateId: notes.id, position: 1 },
      // Listed twice for the class: shown once, where it first appears.
      { catalogId: k2.id, templateId: team.id, position: 0 },
      { catalogId: k2.id, templateId: lab.id, position: 1 },
      { catalogId: k3.id, templateId: outside.id, position: 0 },
    ],
  });
  await db().catalogClass.createMany({ data: [{ catalogId: k1.id, classId: net.id }, { catalogId: k2.id, classId: net.id }, { catalogId: k3.id, classId: other.id }] });

  uuids.adaLab = (await launchInstance(people.ada, { template: "lab" })).environment.uuid;
  uuids.bobLab = (await launchInstance(people.bob, { template: "lab" })).environment.uuid;
  uuids.adaNotes = (await launchInstance(people.ada, { template: "notes" })).environment.uuid;
  uuids.adaOutside = (await launchInstance(people.ada, { template: "outside" })).environment.uuid;
  uuids.eveLab = (await launchInstance(people.eve, { template: "lab" })).environment.uuid;
  uuids.eveOther = (await launchInstance(people.eve, { template: "outside" })).environment.uuid;
  uuids.zedLab = (await launchInstance(people.zed, { template: "lab" })).environment.uuid;
  uuids.cydTeam = (await launchInstance(people.cyd, { template: "team" })).environment.uuid;
  for (const uuid of [uuids.adaLab, uuids.adaNotes, uuids.cydTeam, uuids.eveLab]) await makeReady(uuid);
});

beforeEach(() => {
  session.identity = null;
});

describe("the class view", () => {
  it("shows the class's members by its catalogs' templates, each once, in catalog order", async () => {
    const view = await getClassEnvironments(people.teacherA, { slug: "net101" });
    expect(view.class).toEqual({ slug: "net101", title: "Networks 101", archived: false });
    expect(view.templates).toEqual([
      { name: "lab", displayName: "Web Terminal", ownership: "user", teacherAccess: true },
      { name: "notes", displayName: "Notebook", ownership: "user", teacherAccess: false },
      { name: "team", displayName: "Team Desktop", ownership: "group", teacherAccess: true },
    ]);
    // Members by row and by bound group; eve (another class), zed (none) and the teachers are not.
    expect(view.students.map((s) => s.username)).toEqual(["ada", "bob", "cyd"]);
    expect(view.studentCount).toBe(3);
  });

  it("maps each student to their own environment per template, never one of a template outside the class", async () => {
    const view = await getClassEnvironments(people.teacherA, { slug: "net101" });
    expect(cellOf(view, "ada", "lab")).toMatchObject({ uuid: uuids.adaLab, state: "running", phase: "Ready", canOpen: true, sharedWith: null, extensionsLeft: 1 });
    expect(cellOf(view, "ada", "notes")).toMatchObject({ uuid: uuids.adaNotes, state: "running", canOpen: false });
    expect(cellOf(view, "bob", "lab")).toMatchObject({ uuid: uuids.bobLab, state: "starting", phase: "Pending", canOpen: false });
    expect(cellOf(view, "bob", "notes")).toMatchObject({ uuid: null, state: "not-started", launchedAt: null });
    // ada's "outside" environment belongs to no column; eve's and zed's lab are not in any row.
    const shown = view.students.flatMap((s) => s.cells.map((c) => c.uuid));
    for (const hidden of [uuids.adaOutside, uuids.eveLab, uuids.zedLab]) expect(shown).not.toContain(hidden);
    expect(view.counts).toEqual({ running: 3, starting: 1, failed: 0, expiring: 0, notStarted: 5 });
    expect(view.summary).toBe("3 running · 1 starting · 5 not started");
  });

  it("shows a group-owned template's one environment in the cell of every member of that group, as shared", async () => {
    const view = await getClassEnvironments(people.teacherA, { slug: "net101" });
    expect(cellOf(view, "cyd", "team")).toMatchObject({ uuid: uuids.cydTeam, sharedWith: "net-101-lab", state: "running" });
    // ada and bob have no group: no environment can be theirs.
    expect(cellOf(view, "ada", "team")).toMatchObject({ uuid: null, state: "not-started" });
  });

  it("narrows students by state and by search from the address, and ignores what it does not understand", async () => {
    const names = async (searchParams: unknown) => (await getClassEnvironments(people.teacherA, { slug: "net101", searchParams })).students.map((s) => s.username);
    expect(await names({ status: "running" })).toEqual(["ada", "cyd"]);
    expect(await names({ status: "not-started" })).toEqual(["ada", "bob", "cyd"]);
    expect(await names({ status: "failed" })).toEqual([]);
    expect(await names({ q: "BO" })).toEqual(["bob"]);
    expect(await names({ status: "running", q: "cy" })).toEqual(["cyd"]);
    for (const bad of [{ status: "bogus" }, { status: ["running", "failed"] }, { q: 42 }, { q: "x".repeat(5000) }, { ["__proto__"]: "x" }, "status=running", null, [1, 2]]) {
      const view = await getClassEnvironments(people.teacherA, { slug: "net101", searchParams: bad });
      expect(view.studentCount).toBe(3);
    }
    expect(await names({ status: ["running", "failed"] })).toEqual(["ada", "cyd"]);
    for (const text of HOSTILE) expect(await names({ q: text })).toEqual([]);
  });
});

describe("who may see a class", () => {
  it("answers its teachers and admins; another teacher gets not found, students are refused, nobody must sign in", async () => {
    await expect(getClassEnvironments(people.admin, { slug: "net101" })).resolves.toMatchObject({ studentCount: 3 });
    await expect(getClassEnvironments(people.teacherB, { slug: "net101" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getClassEnvironments(people.ada, { slug: "net101" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getClassEnvironments(people.eve, { slug: "net101" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getClassEnvironments(null, { slug: "net101" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    for (const slug of ["nope", "", "x".repeat(500), 42, null, ...HOSTILE]) await expect(getClassEnvironments(people.admin, { slug })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Teacher B sees only their own class: eve, and no template of net101.
    const other = await getClassEnvironments(people.teacherB, { slug: "other" });
    expect(other.students.map((s) => s.username)).toEqual(["eve"]);
    expect(other.templates.map((t) => t.name)).toEqual(["outside"]);
    expect(cellOf(other, "eve", "outside")).toMatchObject({ uuid: uuids.eveOther });
  });

  it("serves the grid over the API by role, as documented", async () => {
    const ok = await send(GRID, { as: "teacherA", params: { slug: "net101" }, query: "?status=running&q=a" });
    expect(ok).toMatchObject({ status: 200, body: { query: { status: "running", search: "a" } } });
    expect((ok.body.students as { username: string }[]).map((s) => s.username)).toEqual(["ada"]);
    expect((await send(GRID, { as: "admin", params: { slug: "net101" }, query: "?status=%00" })).status).toBe(400);
    expect((await send(GRID, { as: "admin", params: { slug: "net101" }, query: "?status=nonsense&q=%27%3B%20DROP" })).status).toBe(200);
    expect((await send(GRID, { as: "admin", params: { slug: "net101" }, query: "?q=a&q=b" })).status).toBe(400);
    expect(await send(GRID, { as: "teacherB", params: { slug: "net101" } })).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect(await send(GRID, { as: "ada", params: { slug: "net101" } })).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
    expect(await send(GRID, { params: { slug: "net101" } })).toMatchObject({ status: 401, body: { code: "UNAUTHENTICATED" } });
  });
});

describe("bulk actions on a class", () => {
  it("previews and runs 'Extend all' of one template, for the class's students only, with audit entries", async () => {
    const before = await snapshot();
    const preview = await runClassBulkAction(people.teacherA, { slug: "net101", body: { action: "extend", template: "lab", dryRun: true } });
    expect(preview).toMatchObject({ dryRun: true, count: 2, question: "Extend 2 environments of Web Terminal?" });
    expect(preview.items.map((i) => i.uuid).sort()).toEqual([uuids.adaLab, uuids.bobLab].sort());
    expect(await snapshot()).toEqual(before);

    await expect(runClassBulkAction(people.teacherA, { slug: "net101", body: { action: "extend", template: "lab" } })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(runClassBulkAction(people.teacherA, { slug: "net101", body: { action: "extend", template: "lab", confirm: 3 } })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await snapshot()).toEqual(before);

    const done = await runClassBulkAction(people.teacherA, { slug: "net101", body: { action: "extend", template: "lab", confirm: 2 } });
    expect(done.counts).toMatchObject({ extended: 2 });
    expect(done.items.every((i) => i.outcome === "extended" && i.expiresAt !== null)).toBe(true);
    const eve = await db().instance.findUniqueOrThrow({ where: { uuid: uuids.eveLab } });
    const zed = await db().instance.findUniqueOrThrow({ where: { uuid: uuids.zedLab } });
    expect([eve.extendCount, zed.extendCount]).toEqual([0, 0]);
    const audit = await db().auditEvent.findMany({ where: { actorName: "cv-teacher-a" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.objectId])).toEqual(
      expect.arrayContaining([
        ["instance.extend", uuids.adaLab],
        ["instance.extend", uuids.bobLab],
        ["instance.bulk-extend", null],
      ]),
    );
    expect(audit.find((a) => a.action === "instance.bulk-extend")?.before).toMatchObject({ class: "net101", template: "lab", students: "all", count: 2 });

    // A second time: no extensions left, said for each, nothing changed.
    const again = await runClassBulkAction(people.teacherA, { slug: "net101", body: { action: "extend", template: "lab", confirm: 2 } });
    expect(again.items.map((i) => [i.outcome, i.reason])).toEqual([
      ["refused", expect.stringMatching(/No extensions left/)],
      ["refused", expect.stringMatching(/No extensions left/)],
    ]);
  });

  it("acts on the students picked, of one template or all, a group's shared environment once", async () => {
    const preview = await runClassBulkAction(people.teacherA, { slug: "net101", body: { action: "end", students: ["ada", "cyd"], dryRun: true } });
    expect(preview.items.map((i) => i.uuid).sort()).toEqual([uuids.adaLab, uuids.adaNotes, uuids.cydTeam].sort());
    expect(preview.question).toBe("End 3 environments?");
    const one = await runClassBulkAction(people.teacherA, { slug: "net101", body: { action: "end", students: ["ada"], template: "notes", dryRun: true } });
    expect(one).toMatchObject({ count: 1, question: "End 1 environment of Notebook?", items: [{ uuid: uuids.adaNotes, outcome: "ended" }] });
  });

  it("never acts on environments outside the class smuggled in by uuid: each is not found, with the reason", async () => {
    const before = await snapshot();
    const smuggled = [uuids.eveLab, uuids.zedLab, uuids.adaOutside, uuids.eveOther, "0badf00d"];
    for (const who of ["teacherA", "admin"] as const) {
      const result = await runClassBulkAction(people[who], { slug: "net101", body: { action: "end", uuids: smuggled, dryRun: true } });
      expect(result.items).toEqual(smuggled.map((uuid) => ({ uuid, template: null, owner: null, phase: null, outcome: "not-found", reason: OUT_OF_CLASS_REASON, expiresAt: null })));
      const run = await runClassBulkAction(people[who], { slug: "net101", body: { action: "end", uuids: smuggled, confirm: smuggled.length } });
      expect(run.counts).toMatchObject({ ended: 0, "not-found": smuggled.length });
    }
    // Mixed with one of the class's: only that one is acted on.
    const mixed = await runClassBulkAction(people.teacherA, { slug: "net101", body: { action: "end", uuids: [uuids.eveLab, uuids.adaNotes], dryRun: true } });
    expect(mixed.items.map((i) => i.outcome)).toEqual(["not-found", "ended"]);
    const after = await snapshot();
    expect(after.instances).toEqual(before.instances);
    // Only the bulk entries of the runs that found nothing to do.
    const entries = await db().auditEvent.findMany({ orderBy: { id: "desc" }, take: after.audit - before.audit });
    expect(entries.map((e) => e.action)).toEqual(["instance.bulk-end", "instance.bulk-end"]);
  });

  it("leaves out an environment whose owner changed after the class was read (a pool member handed back)", async () => {
    const allowed = new Map([[uuids.adaLab, "someone-else"]]);
    const planned = await planScopedBulk(db(), "end", [uuids.adaLab], { now: new Date(), lock: false, allowed, outOfScope: OUT_OF_CLASS_REASON });
    expect(planned.map((p) => p.decision)).toEqual([{ outcome: "not-found", reason: OUT_OF_CLASS_REASON }]);
    const same = await planScopedBulk(db(), "end", [uuids.adaLab], { now: new Date(), lock: false, allowed: new Map([[uuids.adaLab, "ada"]]), outOfScope: OUT_OF_CLASS_REASON });
    expect(same.map((p) => p.decision.outcome)).toEqual(["ended"]);
  });

  it("refuses bad requests, naming the field, and changes nothing", async () => {
    const before = await snapshot();
    const tooMany = Array.from({ length: MAX_CLASS_BULK + 1 }, (_, i) => i.toString(16).padStart(8, "0"));
    const cases: [unknown, string][] = [
      [null, "body"],
      [[], "body"],
      ["end", "body"],
      [{ action: "delete" }, "action"],
      [{ action: "end", uuids: "abc" }, "uuids"],
      [{ action: "end", uuids: [] }, "uuids"],
      [{ action: "end", uuids: tooMany }, "uuids"],
      [{ action: "end", uuids: ["ABCDEF12"] }, "uuids"],
      [{ action: "end", uuids: [uuids.adaLab, uuids.adaLab] }, "uuids"],
      [{ action: "end", uuids: [uuids.adaLab], template: "lab" }, "selection"],
      [{ action: "end", students: "ada" }, "students"],
      [{ action: "end", students: [42] }, "students"],
      [{ action: "end", students: ["ghost"] }, "students"],
      [{ action: "end", students: ["ada", "eve"] }, "students"],
      [{ action: "end", template: "outside" }, "template"],
      [{ action: "end", template: "No Such!" }, "template"],
      [{ action: "end", template: 7 }, "template"],
      [{ action: "end", confirm: "2" }, "confirm"],
      [{ action: "end", confirm: -1 }, "confirm"],
      [{ action: "end", dryRun: "yes" }, "dryRun"],
      [{ action: "end", sneaky: true }, "sneaky"],
      ...HOSTILE.map((text): [unknown, string] => [{ action: "end", template: text }, "template"]),
      ...HOSTILE.map((text): [unknown, string] => [{ action: "end", students: [text] }, "students"]),
    ];
    for (const [body, field] of cases) {
      const error = await runClassBulkAction(people.teacherA, { slug: "net101", body }).then(
        () => null,
        (e: unknown) => e as { code: string; fields?: Record<string, string[]> },
      );
      expect(error, JSON.stringify(body).slice(0, 100)).toMatchObject({ code: "INVALID_INPUT" });
      expect(Object.keys(error!.fields ?? {}), JSON.stringify(body).slice(0, 100)).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("is refused to everyone but the class's teachers and admins, over the API and the page's action", async () => {
    const before = await snapshot();
    const body = { action: "end", template: "lab", confirm: 2 };
    await expect(runClassBulkAction(people.teacherB, { slug: "net101", body })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(runClassBulkAction(people.ada, { slug: "net101", body })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(runClassBulkAction(null, { slug: "net101", body })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await send(BULK, { as: "teacherB", params: { slug: "net101" }, body })).toMatchObject({ status: 404 });
    expect(await send(BULK, { as: "eve", params: { slug: "net101" }, body })).toMatchObject({ status: 403 });
    expect(await send(BULK, { params: { slug: "net101" }, body })).toMatchObject({ status: 401 });
    expect(await send(BULK, { as: "teacherA", params: { slug: "net101" }, body: { action: "end", uuids: "x" } })).toMatchObject({ status: 400, body: { code: "INVALID_INPUT" } });
    expect(await send(BULK, { as: "teacherA", params: { slug: "net101" }, body: "{not json" })).toMatchObject({ status: 400 });
    expect(await send(BULK, { as: "teacherA", params: { slug: "net101" }, body: { action: "end", uuids: ["0".repeat(8)], pad: "x".repeat(70_000) } })).toMatchObject({ status: 413 });
    expect(await send(BULK, { as: "teacherA", params: { slug: "net101" }, body: { action: "end", template: "lab" } })).toMatchObject({ status: 409, body: { code: "CONFLICT" } });
    session.identity = people.teacherB;
    const data = new FormData();
    data.set("slug", "net101");
    data.set("request", JSON.stringify(body));
    expect(await classBulkAction({ ok: false }, data)).toMatchObject({ ok: false, message: "No such class." });
    expect(await snapshot()).toEqual(before);
  });

  it("ends a picked environment through the API and the page's action, as the teacher, and says what happened", async () => {
    const preview = await send(BULK, { as: "teacherA", params: { slug: "net101" }, body: { action: "end", students: ["ada"], template: "notes", dryRun: true } });
    expect(preview).toMatchObject({ status: 200, body: { count: 1, dryRun: true } });
    session.identity = people.teacherA;
    const data = new FormData();
    data.set("slug", "net101");
    data.set("request", JSON.stringify({ action: "end", students: ["ada"], template: "notes", confirm: 1 }));
    const state = (await classBulkAction({ ok: false }, data)) as ActionState<ClassBulkResult>;
    expect(state).toMatchObject({ ok: true, result: { counts: { ended: 1 }, items: [{ uuid: uuids.adaNotes, outcome: "ended" }] } });
    expect(await db().instance.findUniqueOrThrow({ where: { uuid: uuids.adaNotes } })).toMatchObject({ phase: "Expiring", message: "Ended by a teacher of Networks 101 (cv-teacher-a)" });
    const entry = await db().auditEvent.findFirstOrThrow({ where: { action: "instance.release", objectId: uuids.adaNotes } });
    expect(entry).toMatchObject({ actorName: "cv-teacher-a", after: expect.objectContaining({ endedBy: "teacher", reason: "bulk end by a teacher" }) });
    // Ended since: the next request says so.
    const again = await send(BULK, { as: "teacherA", params: { slug: "net101" }, body: { action: "end", uuids: [uuids.adaNotes], dryRun: true } });
    expect(again.body.items).toEqual([expect.objectContaining({ outcome: "already-ending" })]);
    const view = await getClassEnvironments(people.teacherA, { slug: "net101" });
    expect(cellOf(view, "ada", "notes")).toMatchObject({ state: "ending" });
  });
});

describe("Open", () => {
  it("sends a teacher of the class to a ready environment whose template allows it, audited", async () => {
    await expect(openStudentInstance(people.teacherA, { slug: "net101", uuid: uuids.adaLab })).resolves.toEqual({ url: `https://env-${uuids.adaLab}.test/` });
    const entry = await db().auditEvent.findFirstOrThrow({ where: { action: "instance.open", objectId: uuids.adaLab }, orderBy: { id: "desc" } });
    expect(entry).toMatchObject({ actorName: "cv-teacher-a", objectType: "instance", after: { class: "net101", template: "lab", owner: "ada", students: ["ada"] } });
    const viaRoute = await send(OPEN, { as: "teacherA", params: { slug: "net101", uuid: uuids.adaLab } });
    expect(viaRoute.status).toBe(303);
    expect(viaRoute.headers.get("location")).toBe(`https://env-${uuids.adaLab}.test/`);
    // The shared environment of a group names every student of the class in that group.
    await openStudentInstance(people.admin, { slug: "net101", uuid: uuids.cydTeam });
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "instance.open", objectId: uuids.cydTeam } })).toMatchObject({ actorName: "cv-admin", after: { students: ["cyd"] } });
  });

  it("refuses what is not in scope, not ready or not allowed, and records nothing", async () => {
    const before = await snapshot();
    const refusals: [Identity | null, string, unknown, string][] = [
      [people.teacherB, "net101", uuids.adaLab, "NOT_FOUND"],
      [people.ada, "net101", uuids.adaLab, "FORBIDDEN"],
      [null, "net101", uuids.adaLab, "UNAUTHENTICATED"],
      [people.teacherA, "net101", uuids.eveLab, "NOT_FOUND"],
      [people.teacherA, "net101", uuids.zedLab, "NOT_FOUND"],
      [people.teacherA, "net101", uuids.adaOutside, "NOT_FOUND"],
      [people.teacherA, "net101", "0badf00d", "NOT_FOUND"],
      [people.teacherA, "net101", "../../x", "NOT_FOUND"],
      [people.teacherA, "net101", 42, "NOT_FOUND"],
      [people.teacherA, "other", uuids.adaLab, "NOT_FOUND"],
      [people.teacherB, "other", uuids.eveOther, "FORBIDDEN"],
      [people.teacherA, "net101", uuids.bobLab, "CONFLICT"],
    ];
    for (const [who, slug, uuid, code] of refusals) await expect(openStudentInstance(who, { slug, uuid }), `${who?.username} ${slug} ${String(uuid)}`).rejects.toMatchObject({ code });
    await expect(openStudentInstance(people.teacherB, { slug: "other", uuid: uuids.eveOther })).rejects.toThrow(/Teachers may not open environments of Outside/);

    const forbidden = await send(OPEN, { as: "teacherB", params: { slug: "other", uuid: uuids.eveOther }, headers: { accept: "text/html" } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).toContain("Teachers may not open environments of Outside");
    expect(forbidden.text).toContain('href="/teach/classes/other"');
    const json = await send(OPEN, { as: "teacherB", params: { slug: "net101", uuid: uuids.adaLab } });
    expect(json).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    const crossSite = await send(OPEN, { params: { slug: "net101", uuid: uuids.adaLab }, headers: { "sec-fetch-site": "cross-site", cookie: "next-auth.session-token=x" } });
    expect(crossSite.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it("is refused once an admin turns teacher access off", async () => {
    const lab = await db().template.findFirstOrThrow({ where: { name: "lab" } });
    await db().template.update({ where: { id: lab.id }, data: { teacherAccess: false } });
    invalidateTemplateCache();
    try {
      await expect(openStudentInstance(people.teacherA, { slug: "net101", uuid: uuids.adaLab })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(cellOf(await getClassEnvironments(people.teacherA, { slug: "net101" }), "ada", "lab")).toMatchObject({ canOpen: false });
    } finally {
      await db().template.update({ where: { id: lab.id }, data: { teacherAccess: true } });
      invalidateTemplateCache();
    }
  });
});

describe("a class in trouble", () => {
  it("counts failed and expiring environments, and filters by them", async () => {
    await db().instance.update({ where: { uuid: uuids.bobLab }, data: { phase: "Failed", health: "failed", message: "Chart source: connection refused" } });
    await db().instance.update({ where: { uuid: uuids.adaLab }, data: { expiresAt: new Date(Date.now() + 10 * 60_000) } });
    const view = await getClassEnvironments(people.teacherA, { slug: "net101", searchParams: { status: "expiring" } });
    expect(view.students.map((s) => s.username)).toEqual(["ada"]);
    expect(cellOf(view, "ada", "lab")).toMatchObject({ expiringSoon: true, state: "running" });
    expect(view.counts).toMatchObject({ failed: 1, expiring: 1 });
    expect(view.summary).toMatch(/1 failed · 1 expiring within 30 min/);
    expect((await getClassEnvironments(people.teacherA, { slug: "net101", searchParams: { status: "failed" } })).students.map((s) => s.username)).toEqual(["bob"]);
  });

  it("says when a student last launched an environment that has ended", async () => {
    await db().instance.update({ where: { uuid: uuids.adaNotes }, data: { deletedAt: new Date() } });
    const cell = cellOf(await getClassEnvironments(people.teacherA, { slug: "net101" }), "ada", "notes");
    expect(cell).toMatchObject({ state: "not-started", uuid: null, phase: null });
    expect(cell?.launchedAt).toEqual(expect.any(String));
  });
});

describe("the API document", () => {
  it("has every answer of the class environment operations checked", () => {
    expect(checker.unseen("/api/v1/classes/{slug}/environments")).toEqual([]);
  });
});
