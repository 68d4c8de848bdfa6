import { beforeAll, describe, expect, it } from "vitest";
import type { Identity } from "@/lib/domain/identity";
import { invalidateTemplateCache } from "@/lib/db/templates";
import { listCatalog } from "@/lib/services/catalog/list-catalog";
import { createCatalog } from "@/lib/services/catalogs/create-catalog";
import { deleteCatalog } from "@/lib/services/catalogs/delete-catalog";
import { getCatalog } from "@/lib/services/catalogs/get-catalog";
import { listAudienceClasses } from "@/lib/services/catalogs/list-audience-classes";
import { listCatalogs } from "@/lib/services/catalogs/list-catalogs";
import { listUsableTemplates } from "@/lib/services/catalogs/list-usable-templates";
import { previewCatalog } from "@/lib/services/catalogs/preview-catalog";
import { setCatalogItems } from "@/lib/services/catalogs/set-catalog-items";
import { updateCatalog } from "@/lib/services/catalogs/update-catalog";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser } from "@/test/support/launch";

/**
 * Teachers' catalogs: the use cases against the real database. Who may do what (anonymous, a student, the
 * teacher who owns a catalog, another teacher, an admin), every kind of bad input refused with the database
 * left exactly as it was, and what students of a class see once a catalog is saved.
 */

allowLaunching();
const database = setupTestDatabase();

let teacherA: Identity, teacherB: Identity, admin: Identity, student: Identity;
let rowMember: Identity, groupMember: Identity, outsider: Identity, archivedMember: Identity;

/** A class made directly in the database (the classes' own use cases are built elsewhere). */
async function createClass(slug: string, options: { teachers: Identity[]; members?: Identity[]; groups?: string[]; archived?: boolean }) {
  return database.db().class.create({
    data: {
      slug,
      title: `Class ${slug.toUpperCase()}`,
      groups: options.groups ?? [],
      archivedAt: options.archived ? new Date() : null,
      teachers: { create: options.teachers.map((t) => ({ userId: t.userId })) },
      members: { create: (options.members ?? []).map((m) => ({ userId: m.userId, via: "teacher" })) },
    },
  });
}

/** Everything a refused call must leave as it was. */
async function snapshot() {
  const client = database.db();
  const [catalogs, items, classes, audit] = await Promise.all([
    client.catalog.findMany({ orderBy: { slug: "asc" } }),
    client.catalogItem.findMany({ orderBy: [{ catalogId: "asc" }, { position: "asc" }] }),
    client.catalogClass.findMany({ orderBy: [{ catalogId: "asc" }, { classId: "asc" }] }),
    client.auditEvent.findMany({ orderBy: { id: "asc" } }),
  ]);
  return { catalogs, items, classes, audit };
}

async function refused(call: () => Promise<unknown>): Promise<{ code: string; message: string; fields: Record<string, string[]> }> {
  const before = await snapshot();
  const error = await call().then(
    () => null,
    (e: unknown) => e as { code: string; message: string; fields?: Record<string, string[]> },
  );
  expect(error, "the call should have been refused").not.toBeNull();
  expect(await snapshot()).toEqual(before);
  return { code: error!.code, message: error!.message, fields: error!.fields ?? {} };
}

const teacherCatalogNames = (catalog: Awaited<ReturnType<typeof listCatalog>>) => catalog.catalogs.map((c) => ({ title: c.title, entries: c.entries.map((e) => [e.name, e.note]) }));

beforeAll(async () => {
  teacherA = await createUser({ name: "teacher-a", roles: ["teacher"] });
  teacherB = await createUser({ name: "teacher-b", roles: ["teacher"] });
  admin = await createUser({ name: "the-admin", roles: ["admin"] });
  student = await createUser({ name: "a-student" });
  rowMember = await createUser({ name: "row-member" });
  groupMember = await createUser({ name: "group-member", groups: ["idp-2b"] });
  outsider = await createUser({ name: "outsider", groups: ["idp-other"] });
  archivedMember = await createUser({ name: "archived-member" });
  for (const name of ["lab-one", "lab-two", "lab-three"]) await createLaunchTemplate(name, { displayName: name.replace("-", " ").toUpperCase(), category: "labs" });
  await createLaunchTemplate("hidden-lab", { displayName: "Hidden lab", visible: false });
  await createLaunchTemplate("base-lab", { isBase: true });
  await createLaunchTemplate("gone-lab");
  await database.db().template.update({ where: { name: "gone-lab" }, data: { deletedAt: new Date() } });
  await createLaunchTemplate("broken-lab");
  await database.db().template.update({ where: { name: "broken-lab" }, data: { validationError: "values: broken" } });
  await createLaunchTemplate("own-a");
  await database.db().template.update({ where: { name: "own-a" }, data: { ownerId: teacherA.userId } });
  await createLaunchTemplate("own-b");
  await database.db().template.update({ where: { name: "own-b" }, data: { ownerId: teacherB.userId } });
  invalidateTemplateCache();
  await createClass("net-2b", { teachers: [teacherA], members: [rowMember], groups: ["idp-2b"] });
  await createClass("b-class", { teachers: [teacherB] });
  await createClass("old-class", { teachers: [teacherA], members: [archivedMember], archived: true });
});

describe("a teacher's catalogs", () => {
  it("creates one for a class with ordered templates and notes, audited, and its students see it first in that order with the notes", async () => {
    const created = await createCatalog(teacherA, {
      title: "Networks 2B",
      description: "Everything for this term",
      classes: ["net-2b"],
      items: [{ template: "lab-three", note: "use this for lab 3" }, { template: "hidden-lab" }, { template: "lab-one", note: "warm-up" }],
    });
    expect(created).toMatchObject({
      slug: "networks-2b",
      owner: "teacher-a",
      classes: [{ slug: "net-2b", title: "Class NET-2B", archived: false }],
      groups: [],
      items: [
        { template: "lab-three", note: "use this for lab 3", hidden: false, unavailable: false },
        { template: "hidden-lab", note: "", hidden: true },
        { template: "lab-one", note: "warm-up" },
      ],
    });
    const audit = await database.db().auditEvent.findMany({ where: { action: "catalog.create" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: teacherA.userId, objectType: "catalog", before: null, after: { slug: "networks-2b", classes: ["net-2b"], items: [{ template: "lab-three", note: "use this for lab 3" }, { template: "hidden-lab", note: "" }, { template: "lab-one", note: "warm-up" }] } });

    const expected = [{ title: "Networks 2B", entries: [["lab-three", "use this for lab 3"], ["hidden-lab", ""], ["lab-one", "warm-up"]] }];
    // A member by a member row, and a member through the class's bound group.
    expect(teacherCatalogNames(await listCatalog(rowMember))).toEqual(expected);
    expect(teacherCatalogNames(await listCatalog(groupMember))).toEqual(expected);
    // A non-member, and a member of an archived class only, see no teacher catalog, and not the hidden template.
    for (const who of [outsider, archivedMember, student]) {
      const catalog = await listCatalog(who);
      expect(catalog.catalogs).toEqual([]);
      expect(catalog.groups.flatMap((g) => g.entries.map((e) => e.name))).not.toContain("hidden-lab");
    }
  });

  it("lists a teacher's own catalogs; an admin sees every one with its owner", async () => {
    await createCatalog(teacherB, { title: "B's catalog", classes: ["b-class"], items: [{ template: "own-b" }] });
    expect((await listCatalogs(teacherA)).catalogs.map((c) => c.slug)).toEqual(["networks-2b"]);
    expect((await listCatalogs(teacherB)).catalogs.map((c) => c.slug)).toEqual(["b-s-catalog"]);
    expect((await listCatalogs(admin)).catalogs.map((c) => [c.slug, c.owner])).toEqual([
      ["b-s-catalog", "teacher-b"],
      ["networks-2b", "teacher-a"],
    ]);
  });

  it("offers the templates a teacher may use (hidden ones marked, their own class templates, not another's) and the classes they teach", async () => {
    const names = (await listUsableTemplates(teacherA)).map((t) => [t.name, t.hidden, t.own]);
    expect(names).toEqual(expect.arrayContaining([["hidden-lab", true, false], ["own-a", false, true], ["lab-one", false, false]]));
    const plain = names.map((n) => n[0]);
    for (const unusable of ["own-b", "base-lab", "gone-lab", "broken-lab"]) expect(plain).not.toContain(unusable);
    expect((await listUsableTemplates(admin)).map((t) => t.name)).toEqual(expect.arrayContaining(["own-a", "own-b"]));
    expect((await listAudienceClasses(teacherA)).map((k) => k.slug)).toEqual(["net-2b", "old-class"]);
    expect((await listAudienceClasses(admin)).map((k) => k.slug)).toEqual(["b-class", "net-2b", "old-class"]);
  });

  it("reorders with notes in one audited write, and the students' catalog follows at once", async () => {
    const saved = await setCatalogItems(teacherA, {
      slug: "networks-2b",
      body: { items: [{ template: "lab-one", note: "start here" }, { template: "lab-three", note: "use this for lab 3" }, { template: "hidden-lab" }] },
    });
    expect(saved.changed).toEqual(["items"]);
    expect(saved.items.map((i) => i.template)).toEqual(["lab-one", "lab-three", "hidden-lab"]);
    const audit = await database.db().auditEvent.findFirstOrThrow({ where: { action: "catalog.update" }, orderBy: { id: "desc" } });
    expect((audit.before as { items: { template: string }[] }).items.map((i) => i.template)).toEqual(["lab-three", "hidden-lab", "lab-one"]);
    expect((audit.after as { items: { template: string }[] }).items.map((i) => i.template)).toEqual(["lab-one", "lab-three", "hidden-lab"]);
    expect(teacherCatalogNames(await listCatalog(rowMember))[0]!.entries).toEqual([["lab-one", "start here"], ["lab-three", "use this for lab 3"], ["hidden-lab", ""]]);
  });

  it("saves nothing and audits nothing when nothing changed", async () => {
    const before = await snapshot();
    const same = await getCatalog(teacherA, { slug: "networks-2b" });
    const outcome = await updateCatalog(teacherA, {
      slug: "networks-2b",
      mode: "replace",
      body: { title: same.title, description: same.description, classes: same.classes.map((k) => k.slug), groups: same.groups, items: same.items.map(({ template, note }) => ({ template, note })) },
    });
    expect(outcome.changed).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it("changes the audience to a group: the class's row members lose it, the group's members keep it", async () => {
    await updateCatalog(teacherA, { slug: "networks-2b", mode: "patch", body: { classes: [], groups: ["idp-2b"] } });
    expect((await listCatalog(rowMember)).catalogs).toEqual([]);
    expect((await listCatalog(groupMember)).catalogs.map((c) => c.slug)).toEqual(["networks-2b"]);
    await updateCatalog(teacherA, { slug: "networks-2b", mode: "patch", body: { classes: ["net-2b"], groups: [] } });
    expect((await listCatalog(rowMember)).catalogs.map((c) => c.slug)).toEqual(["networks-2b"]);
  });

  it("omits a template that became deleted, base or invalid, without failing", async () => {
    await createLaunchTemplate("fading-lab");
    await setCatalogItems(teacherA, { slug: "networks-2b", body: { items: [{ template: "fading-lab" }, { template: "lab-one", note: "start here" }] } });
    await database.db().template.update({ where: { name: "fading-lab" }, data: { validationError: "broken now" } });
    invalidateTemplateCache();
    expect(teacherCatalogNames(await listCatalog(rowMember))[0]!.entries).toEqual([["lab-one", "start here"]]);
    expect((await getCatalog(teacherA, { slug: "networks-2b" })).items[0]).toMatchObject({ template: "fading-lab", unavailable: true });
    await database.db().template.update({ where: { name: "fading-lab" }, data: { deletedAt: new Date() } });
    invalidateTemplateCache();
    expect(teacherCatalogNames(await listCatalog(rowMember))[0]!.entries).toEqual([["lab-one", "start here"]]);
    await setCatalogItems(teacherA, { slug: "networks-2b", body: { items: [{ template: "lab-three", note: "use this for lab 3" }, { template: "lab-one", note: "start here" }] } });
  });

  it("changes the slug; the old one is then not found", async () => {
    const renamed = await updateCatalog(teacherA, { slug: "networks-2b", mode: "patch", body: { slug: "net-2b-labs" } });
    expect(renamed).toMatchObject({ slug: "net-2b-labs", changed: ["slug"] });
    expect((await refused(() => getCatalog(teacherA, { slug: "networks-2b" }))).code).toBe("NOT_FOUND");
  });
});

describe("bad input", () => {
  const good = { title: "Fine", items: [{ template: "lab-one" }] };

  it("is refused at its field, with the database unchanged", async () => {
    const cases: [unknown, string, string, RegExp][] = [
      [{}, "INVALID_INPUT", "title", /Required/],
      [null, "INVALID_INPUT", "title", /Required/],
      ["a string", "INVALID_INPUT", "body", /object/],
      [{ ...good, title: 42 }, "INVALID_INPUT", "title", /Enter text/],
      [{ ...good, title: "x".repeat(101) }, "INVALID_INPUT", "title", /At most 100/],
      [{ ...good, title: "a\u0000b" }, "INVALID_INPUT", "title", /NUL/],
      [{ ...good, items: [{ template: "lab-one", note: "x\u0000" }] }, "INVALID_INPUT", "items[0].note", /NUL/],
      [{ ...good, title: "日本語" }, "INVALID_INPUT", "slug", /none can be made from this title/],
      [{ ...good, slug: "<script>" }, "INVALID_INPUT", "slug", /lowercase/],
      [{ ...good, slug: "x'; DROP TABLE catalogs;--" }, "INVALID_INPUT", "slug", /lowercase/],
      [{ ...good, slug: "{{ owner }}" }, "INVALID_INPUT", "slug", /lowercase/],
      [{ ...good, slug: "s".repeat(64) }, "INVALID_INPUT", "slug", /At most 63/],
      [{ ...good, slug: ["a"] }, "INVALID_INPUT", "slug", /Enter text/],
      [{ ...good, description: "d".repeat(2001) }, "INVALID_INPUT", "description", /At most 2000/],
      [{ ...good, groups: ["ok", 7] }, "INVALID_INPUT", "groups.1", /Enter text/],
      [{ ...good, classes: "net-2b" }, "INVALID_INPUT", "classes", /list/],
      [{ ...good, classes: ["b-class"] }, "INVALID_INPUT", "classes.0", /You do not teach a class "b-class"/],
      [{ ...good, classes: ["no-such-class"] }, "INVALID_INPUT", "classes.0", /You do not teach/],
      [{ ...good, items: "lab-one" }, "INVALID_INPUT", "items", /list/],
      [{ ...good, items: [{ template: "no-such" }] }, "INVALID_INPUT", "items.0.template", /No template named "no-such"/],
      [{ ...good, items: [{ template: "gone-lab" }] }, "INVALID_INPUT", "items.0.template", /is deleted/],
      [{ ...good, items: [{ template: "base-lab" }] }, "INVALID_INPUT", "items.0.template", /base template/],
      [{ ...good, items: [{ template: "broken-lab" }] }, "INVALID_INPUT", "items.0.template", /until an administrator fixes it/],
      [{ ...good, items: [{ template: "own-b" }] }, "INVALID_INPUT", "items.0.template", /another teacher's template/],
      [{ ...good, items: [{ template: "lab-one" }, { template: "lab-two" }, { template: "lab-one" }] }, "INVALID_INPUT", "items.2.template", /listed twice/],
      [{ ...good, items: Array.from({ length: 101 }, (_, i) => ({ template: `lab-${i}` })) }, "INVALID_INPUT", "items", /At most 100/],
      [{ ...good, items: [{ template: "<script>alert(1)</script>" }] }, "INVALID_INPUT", "items.0.template", /No template named/],
      [{ ...good, items: [{ template: "lab-one", note: "n".repeat(301) }] }, "INVALID_INPUT", "items.0.note", /At most 300/],
      [{ ...good, ownerId: teacherB?.userId }, "INVALID_INPUT", "ownerId", /not a field/],
      [{ ...good, slug: "net-2b-labs" }, "CONFLICT", "slug", /taken by another catalog/],
      [{ ...good, title: "B's catalog" }, "CONFLICT", "slug", /taken/],
      [{ ...good, slug: "new" }, "INVALID_INPUT", "slug", /reserved/],
    ];
    for (const [input, code, field, message] of cases) {
      const shown = JSON.stringify(input)?.slice(0, 120);
      const error = await refused(() => createCatalog(teacherA, input));
      expect(error.code, shown).toBe(code);
      expect(error.fields[field]?.join(" "), `${shown} → ${JSON.stringify(error)}`).toMatch(message);
    }
  });

  it("keeps markup, SQL and template syntax in text as inert text, shown escaped to students", async () => {
    const hostile = "<script>alert(1)</script> '; DROP TABLE catalogs; -- {{ owner }}";
    const created = await createCatalog(teacherA, { title: hostile, slug: "hostile", classes: ["net-2b"], items: [{ template: "lab-two", note: hostile }] });
    expect(created).toMatchObject({ title: hostile, items: [{ note: hostile }] });
    const catalog = await listCatalog(rowMember);
    expect(catalog.catalogs.find((c) => c.slug === "hostile")).toMatchObject({ title: hostile, entries: [{ name: "lab-two", note: hostile }] });
    const { catalogMarkup } = await import("@/components/student/catalog-markup");
    const html = catalogMarkup(catalog);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &#39;; DROP TABLE catalogs; -- {{ owner }}");
    await deleteCatalog(teacherA, { slug: "hostile" });
  });

  it("refuses bad changes of an existing catalog the same way, and a reorder with a duplicate or too many items", async () => {
    const cases: [() => Promise<unknown>, string, string, RegExp][] = [
      [() => setCatalogItems(teacherA, { slug: "net-2b-labs", body: { items: [{ template: "lab-one" }, { template: "lab-one" }] } }), "INVALID_INPUT", "items.1.template", /twice/],
      [() => setCatalogItems(teacherA, { slug: "net-2b-labs", body: { items: Array.from({ length: 101 }, (_, i) => ({ template: `t${i}` })) } }), "INVALID_INPUT", "items", /At most 100/],
      [() => setCatalogItems(teacherA, { slug: "net-2b-labs", body: { items: [{ template: "own-b" }] } }), "INVALID_INPUT", "items.0.template", /another teacher's/],
      [() => setCatalogItems(teacherA, { slug: "net-2b-labs", body: {} }), "INVALID_INPUT", "items", /Required/],
      [() => setCatalogItems(teacherA, { slug: "net-2b-labs", body: { items: [], more: 1 } }), "INVALID_INPUT", "more", /not a field/],
      [() => updateCatalog(teacherA, { slug: "net-2b-labs", mode: "patch", body: { classes: ["b-class"] } }), "INVALID_INPUT", "classes.0", /do not teach/],
      [() => updateCatalog(teacherA, { slug: "net-2b-labs", mode: "patch", body: { slug: "b-s-catalog" } }), "CONFLICT", "slug", /taken/],
      [() => updateCatalog(teacherA, { slug: "net-2b-labs", mode: "replace", body: { items: [] } }), "INVALID_INPUT", "title", /Required/],
      [() => updateCatalog(teacherA, { slug: "net-2b-labs", mode: "patch", body: { title: "" } }), "INVALID_INPUT", "title", /Enter a title/],
    ];
    for (const [call, code, field, message] of cases) {
      const error = await refused(call);
      expect(error.code).toBe(code);
      expect(error.fields[field]?.join(" "), JSON.stringify(error)).toMatch(message);
    }
  });
});

describe("rights", () => {
  const body = { title: "Rights", items: [{ template: "lab-one" }] };
  const calls: [string, (who: Identity | null) => Promise<unknown>][] = [
    ["list", (who) => listCatalogs(who)],
    ["get", (who) => getCatalog(who, { slug: "net-2b-labs" })],
    ["create", (who) => createCatalog(who, body)],
    ["update", (who) => updateCatalog(who, { slug: "net-2b-labs", mode: "patch", body: { title: "Taken over" } })],
    ["reorder", (who) => setCatalogItems(who, { slug: "net-2b-labs", body: { items: [{ template: "lab-two" }] } })],
    ["delete", (who) => deleteCatalog(who, { slug: "net-2b-labs" })],
    ["usable templates", (who) => listUsableTemplates(who)],
    ["audience classes", (who) => listAudienceClasses(who)],
    ["preview", (who) => previewCatalog(who, { editing: "net-2b-labs", draft: body, audience: { class: "net-2b" } })],
  ];

  it("anonymous callers must sign in and students may not, for every use case; nothing changes", async () => {
    for (const [name, call] of calls) {
      expect((await refused(() => call(null))).code, name).toBe("UNAUTHENTICATED");
      expect((await refused(() => call(student))).code, name).toBe("FORBIDDEN");
    }
  });

  it("another teacher finds none of teacher A's catalog: NOT_FOUND for every use case naming it, nothing changed", async () => {
    for (const [name, call] of calls.filter(([n]) => ["get", "update", "reorder", "delete", "preview"].includes(n))) {
      const error = await refused(() => call(teacherB));
      expect(error.code, name).toBe("NOT_FOUND");
      expect(error.message).not.toContain("teacher-a");
    }
    expect((await listCatalogs(teacherB)).catalogs.map((c) => c.slug)).toEqual(["b-s-catalog"]);
  });

  it("the owner and an admin may do everything; an admin may use any class and any teacher's template", async () => {
    expect((await getCatalog(teacherA, { slug: "net-2b-labs" })).slug).toBe("net-2b-labs");
    const byAdmin = await updateCatalog(admin, { slug: "net-2b-labs", mode: "patch", body: { classes: ["net-2b", "b-class"], items: [{ template: "own-b" }, { template: "lab-one" }] } });
    expect(byAdmin).toMatchObject({ owner: "teacher-a", classes: [{ slug: "b-class" }, { slug: "net-2b" }], items: [{ template: "own-b" }, { template: "lab-one" }] });
    const audit = await database.db().auditEvent.findFirstOrThrow({ where: { action: "catalog.update" }, orderBy: { id: "desc" } });
    expect(audit.actorId).toBe(admin.userId);
    // What the admin added beyond the teacher's reach stays when the teacher saves, but the teacher cannot add more of it.
    expect(await updateCatalog(teacherA, { slug: "net-2b-labs", mode: "patch", body: { title: "Kept" } })).toMatchObject({ changed: ["title"], classes: [{ slug: "b-class" }, { slug: "net-2b" }] });
    const other = await database.db().class.create({ data: { slug: "c-class", title: "C class", teachers: { create: [{ userId: teacherB.userId }] } } });
    expect((await refused(() => updateCatalog(teacherA, { slug: "net-2b-labs", mode: "patch", body: { classes: ["net-2b", "b-class", other.slug] } }))).fields["classes.2"]).toBeDefined();
    const own = await createCatalog(admin, { title: "Admin's own", classes: ["b-class"], items: [{ template: "own-a" }] });
    expect(own.owner).toBe("the-admin");
    await deleteCatalog(admin, { slug: own.slug });
  });
});

describe("the preview", () => {
  it("shows what a member of a class would see with the draft in place of the saved catalog, and saves nothing", async () => {
    const before = await snapshot();
    const preview = await previewCatalog(teacherA, {
      editing: "net-2b-labs",
      draft: { title: "Draft title", slug: "net-2b-labs", classes: ["net-2b"], items: [{ template: "hidden-lab", note: "draft note" }, { template: "lab-two" }] },
      audience: { class: "net-2b" },
    });
    expect(preview.audience).toBe("Class NET-2B");
    expect(preview.includesCatalog).toBe(true);
    expect(preview.catalog.catalogs.map((c) => [c.title, c.entries.map((e) => [e.name, e.note])])).toEqual([["Draft title", [["hidden-lab", "draft note"], ["lab-two", ""]]]]);
    expect(await snapshot()).toEqual(before);
  });

  it("says when the draft is not for the audience previewed, and shows a group's view", async () => {
    const notFor = await previewCatalog(teacherA, { editing: null, draft: { title: "Other", classes: [], groups: ["idp-x"], items: [{ template: "lab-one" }] }, audience: { class: "net-2b" } });
    expect(notFor.includesCatalog).toBe(false);
    const group = await previewCatalog(teacherA, { editing: null, draft: { title: "Other", groups: ["idp-x"], items: [{ template: "hidden-lab", note: "n" }] }, audience: { group: "idp-x" } });
    expect(group).toMatchObject({ audience: "the group idp-x", includesCatalog: true });
    expect(group.catalog.catalogs.map((c) => c.title)).toEqual(["Other"]);
  });

  it("refuses a class the teacher does not teach and a template they may not use", async () => {
    expect((await refused(() => previewCatalog(teacherA, { editing: null, draft: { title: "X" }, audience: { class: "b-class" } }))).code).toBe("NOT_FOUND");
    const error = await refused(() => previewCatalog(teacherA, { editing: null, draft: { title: "X", items: [{ template: "own-b" }] }, audience: { class: "net-2b" } }));
    expect(error.fields["items.0.template"]?.[0]).toMatch(/another teacher's/);
    expect((await refused(() => previewCatalog(teacherA, { editing: null, draft: { title: "X" }, audience: "everyone" }))).fields.audience).toBeDefined();
  });
});

describe("deleting", () => {
  it("is soft and audited; students stop seeing it at once; its slug stays taken", async () => {
    await deleteCatalog(teacherA, { slug: "net-2b-labs" });
    const row = await database.db().catalog.findUniqueOrThrow({ where: { slug: "net-2b-labs" } });
    expect(row.deletedAt).not.toBeNull();
    const audit = await database.db().auditEvent.findFirstOrThrow({ where: { action: "catalog.delete" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ actorId: teacherA.userId, objectId: row.id, before: { slug: "net-2b-labs" }, after: null });
    expect((await listCatalog(rowMember)).catalogs).toEqual([]);
    expect((await refused(() => getCatalog(teacherA, { slug: "net-2b-labs" }))).code).toBe("NOT_FOUND");
    const again = await refused(() => createCatalog(teacherA, { title: "Again", slug: "net-2b-labs" }));
    expect(again).toMatchObject({ code: "CONFLICT", fields: { slug: [expect.stringMatching(/deleted catalog/)] } });
    expect((await refused(() => deleteCatalog(teacherA, { slug: "net-2b-labs" }))).code).toBe("NOT_FOUND");
  });
});
