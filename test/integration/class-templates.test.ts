import { beforeAll, describe, expect, it, vi } from "vitest";
import { sqlPool } from "@/lib/db/client";
import { assertMayUseClassTemplate } from "@/lib/services/instances/internal/launchable";
import type { Identity } from "@/lib/domain/identity";
import { listCatalog } from "@/lib/services/catalog/list-catalog";
import { createCatalog } from "@/lib/services/catalogs/create-catalog";
import { listUsableTemplates } from "@/lib/services/catalogs/list-usable-templates";
import { createClassTemplate } from "@/lib/services/class-templates/create-class-template";
import { deleteClassTemplate } from "@/lib/services/class-templates/delete-class-template";
import { getClassTemplate } from "@/lib/services/class-templates/get-class-template";
import { listClassTemplates } from "@/lib/services/class-templates/list-class-templates";
import { listOpenBases } from "@/lib/services/class-templates/list-open-bases";
import { updateClassTemplate } from "@/lib/services/class-templates/update-class-template";
import { getLaunchPage } from "@/lib/services/instances/launch-page";
import { launchInstance } from "@/lib/services/instances/launch";
import { loadTemplate } from "@/lib/db/templates";
import { getTemplateDetail } from "@/lib/services/templates/get-detail";
import { updateTemplateSettings } from "@/lib/services/templates/update-settings";
import { toSettingsInput } from "@/lib/domain/template-settings";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, catalogNames, createLaunchTemplate, createUser } from "@/test/support/launch";

/**
 * Class templates against the real database: an admin opens a base to teachers, a teacher makes a class
 * template of it and lists it in a catalog for their class; who then sees, launches and changes it (admin,
 * owner, another teacher, a student of the class, a student of no class, anonymous); and bad input refused
 * with nothing saved.
 */

allowLaunching();
const database = setupTestDatabase();

let admin: Identity, owner: Identity, otherTeacher: Identity, member: Identity, outsider: Identity, groupOnly: Identity;

const BASE_VALUES = "image:\n  repository: safe/app\n  tag: '1.0'\nsecurityContext:\n  privileged: false\nresources:\n  limits:\n    cpu: 250m\n";
const GOOD = {
  name: "net-shell",
  base: "open-base",
  displayName: "Networks shell",
  description: "A shell with the tools for lab 2",
  icon: "terminal",
  category: "labs,networks",
  parameters: { type: "object", properties: { tag: { type: "string", default: "2.0", maxLength: 20 } } },
  values: "image:\n  tag: '{{ params.tag }}'\nresources:\n  limits:\n    cpu: 500m\n",
};

/** Everything a refused call must leave as it was. */
async function snapshot() {
  const client = database.db();
  const [templates, versions, audit, items] = await Promise.all([
    client.template.findMany({ orderBy: { name: "asc" } }),
    client.templateVersion.findMany({ orderBy: [{ templateId: "asc" }, { version: "asc" }] }),
    client.auditEvent.findMany({ orderBy: { id: "asc" } }),
    client.catalogItem.findMany({ orderBy: [{ catalogId: "asc" }, { position: "asc" }] }),
  ]);
  return { templates, versions, audit, items };
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

async function openBase(name: string, paths: string[], extensible = true) {
  const detail = await getTemplateDetail(admin, { name });
  await updateTemplateSettings(admin, { name, settings: toSettingsInput({ ...detail.settings, teacherExtensible: extensible, teacherValuePaths: paths }) });
}

beforeAll(async () => {
  admin = await createUser({ name: "ct-admin", roles: ["admin"] });
  owner = await createUser({ name: "ct-owner", roles: ["teacher"] });
  otherTeacher = await createUser({ name: "ct-other", roles: ["teacher"] });
  member = await createUser({ name: "ct-member" });
  outsider = await createUser({ name: "ct-outsider" });
  groupOnly = await createUser({ name: "ct-group-only", groups: ["idp-ct"] });
  await createLaunchTemplate("open-base", {
    isBase: true,
    spec: { valuesTemplate: BASE_VALUES, parameters: { type: "object", properties: { size: { type: "string", default: "s" } } } },
  });
  await createLaunchTemplate("closed-base", { isBase: true, spec: { valuesTemplate: BASE_VALUES } });
  await createLaunchTemplate("plain-system", { displayName: "Plain system" });
  await createLaunchTemplate("deleted-base", { isBase: true, spec: { valuesTemplate: BASE_VALUES } });
  await openBase("open-base", ["resources.*", "image.tag", "env"]);
  await openBase("deleted-base", ["image.tag"]);
  await database.db().template.update({ where: { name: "deleted-base" }, data: { deletedAt: new Date() } });
  const klass = await database.db().class.create({
    data: { slug: "ct-class", title: "CT class", teachers: { create: [{ userId: owner.userId }] }, members: { create: [{ userId: member.userId, via: "teacher" }] } },
  });
  expect(klass.id).toBeTruthy();
});

describe("a base's policy for teachers", () => {
  it("is set by an admin on a base, refused on a template that is not a base, and lists open bases for teachers", async () => {
    expect((await getTemplateDetail(admin, { name: "open-base" })).settings).toMatchObject({ teacherExtensible: true, teacherValuePaths: ["resources.*", "image.tag", "env"] });
    const plain = await getTemplateDetail(admin, { name: "plain-system" });
    const error = await refused(() => updateTemplateSettings(admin, { name: "plain-system", settings: toSettingsInput({ ...plain.settings, teacherExtensible: true }) }));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.fields.teacherExtensible?.[0]).toMatch(/Only a system base template/);
    const bad = await refused(() => updateTemplateSettings(admin, { name: "open-base", settings: { ...toSettingsInput(plain.settings), teacherValuePaths: ["image..tag"] } }));
    expect(bad.fields["teacherValuePaths.0"]?.[0]).toMatch(/empty parts/);
    expect((await listOpenBases(owner)).map((b) => b.name)).toEqual(["open-base"]);
    expect((await listOpenBases(owner))[0]).toMatchObject({ valuePaths: ["resources.*", "image.tag", "env"], parameterNames: ["size"] });
    await expect(listOpenBases(member)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("a teacher's class template", () => {
  it("is created from an open base, owned by the teacher, hidden from the general catalog, and audited", async () => {
    const created = await createClassTemplate(owner, GOOD);
    expect(created).toMatchObject({ name: "net-shell", base: "open-base", owner: "ct-owner", version: 1, allowedPaths: ["resources.*", "image.tag", "env"], baseOpen: true, catalogs: 0 });
    const row = await database.db().template.findUniqueOrThrow({ where: { name: "net-shell" } });
    expect(row).toMatchObject({ ownerId: owner.userId, visible: false, isBase: false, method: "on_demand", category: "labs,networks" });
    const audit = await database.db().auditEvent.findMany({ where: { action: "class-template.create" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: owner.userId, objectType: "template", objectId: row.id });
    // It renders its base with the teacher's values merged in at the allowed paths.
    const loaded = await loadTemplate({ name: "net-shell" });
    expect(loaded.composed?.valuesTemplates.at(-1)?.valuePaths).toEqual(["resources.*", "image.tag", "env"]);
    expect(catalogNames(await listCatalog(member))).not.toContain("net-shell");
    expect(catalogNames(await listCatalog(outsider))).not.toContain("net-shell");
  });

  it("is offered to its owner's catalogs only, and a catalog for the class shows it to the class's members", async () => {
    expect((await listUsableTemplates(owner)).find((t) => t.name === "net-shell")).toMatchObject({ own: true });
    expect((await listUsableTemplates(otherTeacher)).map((t) => t.name)).not.toContain("net-shell");
    const refusal = await refused(() => createCatalog(otherTeacher, { title: "Stolen", items: [{ template: "net-shell" }] }));
    expect(refusal.fields["items.0.template"]?.[0]).toMatch(/another teacher's template/);
    await createCatalog(owner, { title: "CT labs", classes: ["ct-class"], items: [{ template: "net-shell", note: "lab 2" }] });
    // A catalog for a group only does not reach a class template: class templates are for classes.
    await createCatalog(admin, { title: "Group catalog", groups: ["idp-ct"], items: [{ template: "net-shell" }] });
    expect(catalogNames(await listCatalog(member))).toContain("net-shell");
    expect(catalogNames(await listCatalog(outsider))).not.toContain("net-shell");
    expect(catalogNames(await listCatalog(groupOnly))).not.toContain("net-shell");
  });

  it("is seen, launched and changed by whom it should be (the matrix)", async () => {
    // Seeing it in the teachers' list.
    expect((await listClassTemplates(owner)).map((t) => t.name)).toEqual(["net-shell"]);
    expect((await listClassTemplates(admin)).map((t) => t.name)).toEqual(["net-shell"]);
    expect(await listClassTemplates(otherTeacher)).toEqual([]);
    await expect(listClassTemplates(member)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listClassTemplates(null)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await getClassTemplate(admin, { name: "net-shell" })).toMatchObject({ owner: "ct-owner" });
    await expect(getClassTemplate(otherTeacher, { name: "net-shell" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    // Its launch page and launching it.
    for (const who of [owner, admin, member]) expect((await getLaunchPage(who, { name: "net-shell" })).template.name).toBe("net-shell");
    for (const who of [otherTeacher, outsider, groupOnly]) {
      await expect(getLaunchPage(who, { name: "net-shell" })).rejects.toMatchObject({ code: "NOT_FOUND", message: 'There is no template named "net-shell".' });
    }
    const launched = await launchInstance(member, { template: "net-shell" });
    expect(launched.outcome).toBe("created");
    const instance = await database.db().instance.findUniqueOrThrow({ where: { uuid: launched.environment.uuid } });
    expect(instance.values).toMatchObject({ image: { repository: "safe/app", tag: "2.0" }, securityContext: { privileged: false }, resources: { limits: { cpu: "500m" } } });
    expect((await launchInstance(owner, { template: "net-shell" })).outcome).toBe("created");
    for (const who of [otherTeacher, outsider, groupOnly]) {
      const error = await refused(() => launchInstance(who, { template: "net-shell" }));
      expect(error).toMatchObject({ code: "NOT_FOUND", message: 'There is no template named "net-shell".' });
    }
    await expect(launchInstance(null, { template: "net-shell" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });

    // Changing it.
    const changed = await updateClassTemplate(owner, { name: "net-shell", body: { description: "Lab 2 and 3" } });
    expect(changed).toMatchObject({ changed: ["description"], version: 1, description: "Lab 2 and 3" });
    const byAdmin = await updateClassTemplate(admin, { name: "net-shell", body: { values: "image:\n  tag: '{{ params.tag }}'\nenv:\n  - name: LAB\n    value: '2'\n" } });
    expect(byAdmin).toMatchObject({ changed: ["values"], version: 2 });
    expect((await updateClassTemplate(owner, { name: "net-shell", body: { description: "Lab 2 and 3" } })).changed).toEqual([]);
    for (const who of [otherTeacher]) expect((await refused(() => updateClassTemplate(who, { name: "net-shell", body: { description: "mine" } }))).code).toBe("NOT_FOUND");
    for (const who of [member, outsider]) expect((await refused(() => updateClassTemplate(who, { name: "net-shell", body: { description: "mine" } }))).code).toBe("FORBIDDEN");
    expect((await refused(() => deleteClassTemplate(otherTeacher, { name: "net-shell" }))).code).toBe("NOT_FOUND");
    expect((await refused(() => deleteClassTemplate(member, { name: "net-shell" }))).code).toBe("FORBIDDEN");
    expect((await refused(() => deleteClassTemplate(null, { name: "net-shell" }))).code).toBe("UNAUTHENTICATED");
    const audit = await database.db().auditEvent.findMany({ where: { action: "class-template.update" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actorId, a.after])).toEqual([
      [owner.userId, { description: "Lab 2 and 3" }],
      [admin.userId, { values: "image:\n  tag: '{{ params.tag }}'\nenv:\n  - name: LAB\n    value: '2'\n" }],
    ]);
  });

  it("asks the database nothing more for a system template, and one question set for a class template", async () => {
    const query = vi.spyOn(sqlPool(), "query");
    try {
      await assertMayUseClassTemplate({ id: "00000000-0000-0000-0000-000000000000", name: "plain-system", ownerId: null }, outsider);
      expect(query).not.toHaveBeenCalled();
      const classTemplate = await loadTemplate({ name: "net-shell" });
      query.mockClear();
      await assertMayUseClassTemplate(classTemplate, member);
      expect(query).toHaveBeenCalledTimes(2);
    } finally {
      query.mockRestore();
    }
  });

  it("keeps system templates launchable by name for everyone, as before", async () => {
    expect((await launchInstance(outsider, { template: "plain-system" })).outcome).toBe("created");
  });
});

describe("bad input for class templates", () => {
  const attempt = (change: Record<string, unknown>, who: Identity = owner) => refused(() => createClassTemplate(who, { ...GOOD, name: "bad-one", ...change }));

  it("refuses values outside the allowed paths, naming the path and the allowed ones", async () => {
    const error = await attempt({ values: "securityContext:\n  privileged: true\n" });
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.fields.values).toEqual(["`securityContext.privileged` is not one of the paths this base lets teachers change: resources.*, image.tag, env"]);
    expect(error.message).toMatch(/securityContext\.privileged/);
  });

  it("refuses the tricks: resources vs resources.*, image.tag.x, dotted keys, prototype keys, anchors, deep nesting, huge values", async () => {
    const cases: [string, RegExp][] = [
      ["resources: tiny", /`resources` is not one of the paths/],
      ["image:\n  tag:\n    x: 1", /`image.tag.x` is not one of the paths/],
      ["image:\n  repository: evil/app", /`image.repository` is not one/],
      ['"securityContext.privileged": true', /contains a dot/],
      ["__proto__:\n  privileged: true", /"__proto__" is not allowed/],
      ["resources:\n  constructor:\n    prototype: 1", /"constructor" is not allowed/],
      ["resources:\n  limits: &l {cpu: 1}\n  requests: *l", /anchors/],
      ["image:\n  tag: x\n---\nsecurityContext: {privileged: true}", /one YAML document/],
      ["image:\n  tag: !cel 'user.name'", /tags such as !cel/],
      ["{% if true %}securityContext: {privileged: true}{% endif %}", /outputs only/],
      [`resources:\n${Array.from({ length: 25 }, (_, i) => `${"  ".repeat(i + 1)}k${i}:`).join("\n")} 1`, /nest deeper/],
    ];
    for (const [values, message] of cases) {
      const error = await attempt({ values });
      expect(error.code, values).toBe("INVALID_INPUT");
      expect(error.fields.values?.join(" "), values).toMatch(message);
    }
    const huge = await attempt({ values: `image:\n  tag: "${"x".repeat(65 * 1024)}"` });
    expect(huge.fields.values?.[0]).toMatch(/64 KiB/);
  });

  it("refuses bases that are closed, not bases, deleted or missing", async () => {
    expect((await attempt({ base: "closed-base" })).fields.base?.[0]).toMatch(/not open to teachers/);
    expect((await attempt({ base: "plain-system" })).fields.base?.[0]).toMatch(/not a base template/);
    expect((await attempt({ base: "net-shell" })).fields.base?.[0]).toMatch(/not a base template/);
    expect((await attempt({ base: "deleted-base" })).fields.base?.[0]).toMatch(/No base template named "deleted-base"/);
    expect((await attempt({ base: "nowhere" })).fields.base?.[0]).toMatch(/No base template named/);
    expect((await attempt({ base: "" })).fields.base?.[0]).toMatch(/Choose the base/);
  });

  it("keeps parameters from injecting into other paths, and from redeclaring the base's", async () => {
    for (const hostile of ["}}{{ owner }}", "x\nsecurityContext:\n  privileged: true", "---\nsecurityContext: {privileged: true}"]) {
      const name = `inject-${hostile.length}`;
      await createClassTemplate(owner, { ...GOOD, name, parameters: { type: "object", properties: { tag: { type: "string", default: hostile } } } });
      await createCatalog(owner, { title: `Inject ${hostile.length}`, classes: ["ct-class"], items: [{ template: name }] });
      const launched = await launchInstance(member, { template: name });
      const instance = await database.db().instance.findUniqueOrThrow({ where: { uuid: launched.environment.uuid } });
      expect(instance.values).toMatchObject({ image: { repository: "safe/app", tag: hostile }, securityContext: { privileged: false } });
      // Given at launch, the same text is data too.
      const given = await launchInstance(owner, { template: name, params: { tag: `${hostile}!` } });
      const mine = await database.db().instance.findUniqueOrThrow({ where: { uuid: given.environment.uuid } });
      expect(mine.values).toMatchObject({ image: { repository: "safe/app", tag: `${hostile}!` }, securityContext: { privileged: false } });
    }
    const clash = await attempt({ parameters: { type: "object", properties: { size: { type: "string", default: "xxl" } } } });
    expect(clash.fields.parameters?.[0]).toMatch(/"size" is a parameter of the base template/);
    const keyFromParam = await attempt({ values: "resources:\n  {{ params.tag }}: 1" });
    expect(keyFromParam.fields.values?.[0]).toMatch(/keys cannot come from/);
  });

  it("refuses names taken, wrong types, missing fields and unknown fields", async () => {
    expect((await attempt({ name: "net-shell" })).code).toBe("CONFLICT");
    expect((await attempt({ name: "open-base" })).code).toBe("CONFLICT");
    expect((await attempt({ name: "Bad Name" })).fields.name?.[0]).toMatch(/lowercase/);
    expect((await attempt({ name: "caf\u00e9" })).fields.name?.[0]).toMatch(/lowercase/);
    expect((await attempt({ displayName: 42 })).fields.displayName?.[0]).toMatch(/Enter text/);
    expect((await attempt({ displayName: "" })).fields.displayName?.[0]).toMatch(/display name/);
    expect((await attempt({ parameters: "tag" })).fields.parameters?.[0]).toMatch(/JSON Schema object/);
    expect((await attempt({ parameters: { type: "object", properties: { tag: { type: "array" } } } })).fields.parameters?.[0]).toMatch(/string, integer, number or boolean/);
    expect((await attempt({ values: ["image"] })).fields.values?.[0]).toMatch(/as text/);
    expect((await attempt({ icon: "rocket" })).fields.icon?.[0]).toMatch(/icons/);
    expect((await attempt({ chart: { type: "helm" } })).fields.chart?.[0]).toMatch(/not a field/);
    expect((await attempt({ displayName: "a\u202Eb" })).fields.displayName?.[0]).toMatch(/printable/);
    expect((await attempt({ values: "image:\n  tag: x\u0000" })).message).toMatch(/NUL/);
    const missing = await refused(() => createClassTemplate(owner, {}));
    expect(Object.keys(missing.fields).sort()).toEqual(["base", "displayName", "name"]);
    // Unicode is fine where text is free: the display name and the values.
    const unicode = await createClassTemplate(owner, { ...GOOD, name: "unicode-ok", displayName: "Réseaux — 网络 🚀", values: "env:\n  - name: GREETING\n    value: 'héllo 🌍'\n" });
    expect(unicode.displayName).toBe("Réseaux — 网络 🚀");
  });

  it("refuses a change outside the paths, or once the base is closed, keeping the version", async () => {
    expect((await refused(() => updateClassTemplate(owner, { name: "net-shell", body: { values: "securityContext:\n  privileged: true\n" } }))).fields.values?.[0]).toMatch(/securityContext.privileged/);
    expect((await refused(() => updateClassTemplate(owner, { name: "net-shell", body: { name: "renamed" } }))).fields.name?.[0]).toMatch(/not a field/);
    await openBase("open-base", ["resources.*", "image.tag", "env"], false);
    expect((await refused(() => updateClassTemplate(owner, { name: "net-shell", body: { values: "image:\n  tag: '3'\n" } }))).fields.base?.[0]).toMatch(/not open to teachers/);
    // Closing the base confines the class template to no paths at all: it no longer renders its own values.
    await expect(launchInstance(owner, { template: "unicode-ok" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await openBase("open-base", ["resources.*", "image.tag", "env"], true);
  });
});

describe("deleting a class template", () => {
  it("is soft, audited, takes it out of catalogs and launches, and keeps its name", async () => {
    await deleteClassTemplate(owner, { name: "net-shell" });
    const row = await database.db().template.findUniqueOrThrow({ where: { name: "net-shell" } });
    expect(row.deletedAt).not.toBeNull();
    expect(await database.db().auditEvent.count({ where: { action: "class-template.delete", objectId: row.id } })).toBe(1);
    expect(catalogNames(await listCatalog(member))).not.toContain("net-shell");
    await expect(launchInstance(owner, { template: "net-shell" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await listClassTemplates(owner)).map((t) => t.name)).not.toContain("net-shell");
    expect((await refused(() => createClassTemplate(owner, GOOD))).code).toBe("CONFLICT");
    expect((await refused(() => deleteClassTemplate(owner, { name: "net-shell" }))).code).toBe("NOT_FOUND");
  });
});
