import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { invalidateTemplateCache } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { estimateReadySeconds } from "@/lib/db/instances";
import { listCatalog } from "@/lib/services/catalog/list-catalog";
import { launchInstance } from "@/lib/services/instances/launch";
import { getLaunchPage } from "@/lib/services/instances/launch-page";
import { releaseInstance } from "@/lib/services/instances/release";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, catalogNames, createLaunchTemplate, createUser, insertAvailableMembers } from "@/test/support/launch";

/** What the catalog, `/run/{name}` and their estimates read, against a real PostgreSQL. */
allowLaunching();
setupTestDatabase();

async function createCatalog(slug: string, audienceGroups: string[], templates: string[], extra: { deletedAt?: Date } = {}) {
  const rows = await db().template.findMany({ where: { name: { in: templates } }, select: { id: true, name: true } });
  const ids = templates.map((name) => rows.find((r) => r.name === name)!.id);
  const catalog = await db().catalog.create({
    data: { slug, title: `Catalog ${slug}`, audienceGroups, ...extra, items: { create: ids.map((templateId, position) => ({ templateId, position })) } },
  });
  invalidateTemplateCache();
  return catalog;
}

describe("the student catalog", () => {
  let student: Identity;
  let outsider: Identity;
  beforeAll(async () => {
    student = await createUser({ name: "cat-student", groups: ["class-1a"] });
    outsider = await createUser({ name: "cat-outsider", groups: ["class-9z"] });
    await createLaunchTemplate("shell", { displayName: "Shell", category: "linux,basics", description: "A bash prompt" });
    await createLaunchTemplate("editor", { displayName: "Editor", category: "linux,tools" });
    await createLaunchTemplate("notes", { displayName: "Notes", category: "data,notebooks", description: "Python für alle" });
    await createLaunchTemplate("uncategorised", { displayName: "Zeta", category: "" });
    await createLaunchTemplate("secret-lab", { displayName: "Secret lab", visible: false, category: "linux" });
    await createLaunchTemplate("off", { displayName: "Off", enabled: false, category: "data" });
    const warm = await createLaunchTemplate("warm", { displayName: "Warm", method: "pool", poolSize: 2, category: "data" });
    await insertAvailableMembers(warm.id, 2);
    await createLaunchTemplate("cold-pool", { displayName: "Cold pool", method: "pool", poolSize: 1, category: "data" });
    await createCatalog("week-1", ["class-1a"], ["notes", "secret-lab", "shell"]);
    await createCatalog("other-class", ["class-9z"], ["editor"]);
    await createCatalog("withdrawn", ["class-1a"], ["editor"], { deletedAt: new Date() });
  });

  it("shows the catalogs made for the student's groups first, in the teacher's order, hidden templates included", async () => {
    const catalog = await listCatalog(student);
    expect(catalog.catalogs.map((c) => [c.slug, c.entries.map((e) => e.name)])).toEqual([["week-1", ["notes", "secret-lab", "shell"]]]);
    expect(catalogNames(catalog).slice(0, 3)).toEqual(["notes", "secret-lab", "shell"]);
  });

  it("keeps other classes' catalogs, deleted catalogs and hidden templates out of everyone else's view", async () => {
    const catalog = await listCatalog(outsider);
    expect(catalog.catalogs.map((c) => c.slug)).toEqual(["other-class"]);
    expect(catalogNames(catalog)).not.toContain("secret-lab");
    const noGroups = await listCatalog(await createUser({ name: "cat-nogroups" }));
    expect(noGroups.catalogs).toEqual([]);
  });

  it("groups the other visible templates by category, subcategories in order, uncategorised last, nothing twice", async () => {
    const catalog = await listCatalog(outsider);
    expect(catalog.groups.map((g) => [g.category, g.label])).toEqual([
      ["data", "Data"],
      ["linux", "Linux"],
      ["Other", "Other"],
    ]);
    const linux = catalog.groups.find((g) => g.category === "linux")!;
    expect(linux.entries.map((e) => [e.name, e.subcategoryLabel])).toEqual([["shell", "Basics"]]);
    expect(catalog.categories).toEqual([
      { name: "data", label: "Data" },
      { name: "linux", label: "Linux" },
      { name: "Other", label: "Other" },
    ]);
    expect(catalog.total).toBe(7);
    // The student's class catalog holds notes and shell: they are not repeated below it.
    const student_ = await listCatalog(student);
    expect(catalogNames(student_)).toEqual(["notes", "secret-lab", "shell", "cold-pool", "off", "warm", "editor", "uncategorised"]);
  });

  it("badges a pool with free warm members as instant, and no other template", async () => {
    const catalog = await listCatalog(student);
    const entries = [...catalog.catalogs.flatMap((c) => c.entries), ...catalog.groups.flatMap((g) => g.entries)];
    const warmth = Object.fromEntries(entries.map((e) => [e.name, e.warm]));
    expect(warmth).toMatchObject({ warm: 2, "cold-pool": 0, shell: 0, off: 0 });
    expect(entries.find((e) => e.name === "off")).toMatchObject({ enabled: false });
  });

  it("filters by words and category, in teacher catalogs too, and keeps the category list whole", async () => {
    const byWord = await listCatalog(student, { query: "python", category: null });
    expect(catalogNames(byWord)).toEqual(["notes"]);
    const byCategory = await listCatalog(student, { query: "", category: "linux" });
    expect(byCategory.groups.map((g) => g.category)).toEqual(["linux"]);
    expect(byCategory.categories.map((c) => c.name)).toEqual(["data", "linux", "Other"]);
    const nothing = await listCatalog(student, { query: "' OR 1=1; DROP TABLE templates; --", category: null });
    expect(catalogNames(nothing)).toEqual([]);
    expect(nothing.total).toBe(7);
  });
});

describe("the launch page", () => {
  let student: Identity;
  beforeAll(async () => {
    student = await createUser({ name: "run-student" });
    await createLaunchTemplate("form", {
      displayName: "Form",
      spec: {
        parameters: { type: "object", properties: { greeting: { type: "string", default: "hi" }, size: { type: "integer", minimum: 1 } }, required: ["size"] },
        valuesTemplate: "host: {{ host }}\ngreeting: {{ params.greeting }}\n",
      },
    });
    await createLaunchTemplate("hidden-form", { visible: false });
    await createLaunchTemplate("disabled-form", { enabled: false });
    await createLaunchTemplate("base-form", { isBase: true });
  });

  it("gives the form schema the server validates with, and no instance before the first launch", async () => {
    const page = await getLaunchPage(student, { name: "form" });
    expect(page.unavailable).toBeNull();
    expect(page.existing).toBeNull();
    expect(page.parameters).toMatchObject({ additionalProperties: false, required: ["size"], properties: { greeting: { type: "string", default: "hi", maxLength: 4096 } } });
  });

  it("shows the caller's live instance after a launch (a reload never launches again), and only theirs", async () => {
    const { environment } = await launchInstance(student, { template: "form", params: { size: 2 } });
    const page = await getLaunchPage(student, { name: "form" });
    expect(page.existing).toMatchObject({ uuid: environment.uuid, phase: "Pending" });
    expect((await getLaunchPage(await createUser({ name: "run-other" }), { name: "form" })).existing).toBeNull();
    await releaseInstance(student, { uuid: environment.uuid });
    expect((await getLaunchPage(student, { name: "form" })).existing).toBeNull();
  });

  it("opens hidden templates, explains disabled ones, and treats unknown and base templates as not found", async () => {
    expect((await getLaunchPage(student, { name: "hidden-form" })).unavailable).toBeNull();
    expect((await getLaunchPage(student, { name: "disabled-form" })).unavailable).toMatch(/disabled by an administrator/);
    for (const name of ["base-form", "nope", "", "../form", "form'--", "ｆｏｒｍ", "x".repeat(500)]) {
      await expect(getLaunchPage(student, { name }), name.slice(0, 20)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(getLaunchPage(null, { name: "form" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("explains a template that failed validation instead of offering the form: the problem to staff, the plain fact to students", async () => {
    await createLaunchTemplate("broken-form");
    await db().template.update({ where: { name: "broken-form" }, data: { validationError: "values: unknown variable claims.secret_group" } });
    invalidateTemplateCache();
    const admin = await createUser({ name: "run-admin", roles: ["admin"] });
    expect((await getLaunchPage(admin, { name: "broken-form" })).unavailable).toMatch(/administrator fixes it: values: unknown variable claims\.secret_group/);
    const forStudent = (await getLaunchPage(student, { name: "broken-form" })).unavailable;
    expect(forStudent).toBe('"broken-form" cannot be launched until an administrator fixes it. Try again later or ask your teacher.');
    allowLaunching();
    const refused = await launchInstance(student, { template: "broken-form" }).catch((error: unknown) => error as { code: string; message: string });
    expect(refused).toMatchObject({ code: "UNAVAILABLE", message: forStudent });
    await expect(launchInstance(admin, { template: "broken-form" })).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("secret_group") });
  });
});

describe("the launch estimate", () => {
  it("is the median time to Ready of the template's recent launches, and null before any", async () => {
    const template = await createLaunchTemplate("timed");
    expect(await estimateReadySeconds(template.id, 20)).toBeNull();
    const version = await db().templateVersion.findFirstOrThrow({ where: { templateId: template.id } });
    const start = new Date("2026-01-01T10:00:00Z");
    for (const [i, seconds] of [10, 20, 400, 30, null].entries()) {
      await db().instance.create({
        data: {
          uuid: `e0000${i}aa`.slice(0, 8),
          templateId: template.id,
          templateVersionId: version.id,
          ownerKey: "someone",
          phase: seconds === null ? "Failed" : "Ready",
          createdAt: new Date(start.getTime() + i * 60_000),
          readyAt: seconds === null ? null : new Date(start.getTime() + i * 60_000 + seconds * 1000),
        },
      });
    }
    // Median of 10, 20, 30 and 400: an outlier does not drag it, a failure does not count.
    expect(await estimateReadySeconds(template.id, 20)).toBe(25);
  });
});
