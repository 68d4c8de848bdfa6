import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionState } from "@/lib/auth/actions";
import { reconcilePool } from "@/lib/controllers/pools";
import type { Identity } from "@/lib/domain/identity";
import { listCatalog } from "@/lib/services/catalog/list-catalog";
import { launchInstance } from "@/lib/services/instances/launch";
import { releaseInstance } from "@/lib/services/instances/release";
import { createTemplateFromStarter } from "@/lib/services/templates/create-from-starter";
import { createTemplate } from "@/lib/services/templates/create-template";
import { deleteTemplate } from "@/lib/services/templates/delete-template";
import { duplicateTemplate } from "@/lib/services/templates/duplicate-template";
import { exportTemplate } from "@/lib/services/templates/export-template";
import { getTemplateDeleteImpact } from "@/lib/services/templates/get-delete-impact";
import { importTemplate } from "@/lib/services/templates/import-template";
import { listTemplates } from "@/lib/services/templates/list-templates";
import { previewTemplateImport } from "@/lib/services/templates/preview-import";
import { restoreTemplate } from "@/lib/services/templates/restore-template";
import { saveTemplateSpec } from "@/lib/services/templates/save-spec";
import { NO_CLUSTER_MESSAGE } from "@/lib/engine/select";
import { setupTestDatabase } from "@/test/support/database";
import { unreachableEngine } from "@/test/support/engine";
import { allowLaunching, catalogNames, createLaunchTemplate, createUser, insertAvailableMembers, phasesOf } from "@/test/support/launch";
import { testContext } from "@/test/support/controller";

/**
 * The admin's template catalog: listing, creating (from a starter, by duplicating, by importing a file),
 * exporting, deleting and restoring, against the real database. Use cases are called directly, and so are
 * the server actions and the export route, as any signed-in user's browser could call them: the only
 * stand-in is the next-auth session lookup (it needs Next's request scope), which answers with the identity
 * the test says is signed in.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));

const actions = await import("@/app/(staff)/admin/templates/actions");
const exportRoute = await import("@/app/(staff)/admin/templates/[name]/export/route");

allowLaunching();
const database = setupTestDatabase();

const seedYaml = readFileSync(path.join(import.meta.dirname, "../fixtures/dploy/webterm.yaml"), "utf8");

let admin: Identity;
let teacher: Identity;
let student: Identity;

beforeAll(async () => {
  admin = await createUser({ name: "ada", roles: ["admin"] });
  teacher = await createUser({ name: "theo", roles: ["teacher"] });
  student = await createUser({ name: "sam", groups: ["class-1a"] });
  await createLaunchTemplate("existing", { displayName: "Existing", category: "labs,linux" });
});

/** Everything a refused call must leave as it was. */
async function snapshot() {
  const client = database.db();
  const [templates, versions, audit, instances] = await Promise.all([
    client.template.findMany({ orderBy: { name: "asc" } }),
    client.templateVersion.findMany({ orderBy: [{ templateId: "asc" }, { version: "asc" }] }),
    client.auditEvent.count(),
    client.instance.findMany({ orderBy: { uuid: "asc" } }),
  ]);
  return { templates, versions, audit, instances };
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}
type AnyAction = (state: never, data: FormData) => Promise<ActionState<unknown>>;
const call = (action: AnyAction, fields: Record<string, string>) => action({ ok: false } as never, form(fields));

function exportRequest(name: string, query: string) {
  const request = new Request(`http://envdeck.test/admin/templates/${name}/export?${query}`, { headers: { cookie: "next-auth.session-token=opaque" } });
  return exportRoute.GET(request, { params: Promise.resolve({ name }) });
}

async function auditOf(action: string, objectId?: string) {
  return database.db().auditEvent.findMany({ where: { action, ...(objectId && { objectId }) }, orderBy: { id: "asc" } });
}

describe("who may", () => {
  it("only admins: every use case refuses students, teachers and nobody, and nothing changes", async () => {
    const before = await snapshot();
    const calls: [string, (who: Identity | null) => Promise<unknown>][] = [
      ["list", (who) => listTemplates(who, { searchParams: {} })],
      ["create", (who) => createTemplate(who, { name: "x1", displayName: "X", spec: { chart: { type: "helm", repoUrl: "https://c.example", chart: "c" }, valuesTemplate: "", valueFiles: [], parameters: {}, ownerClaim: "" } })],
      ["starter", (who) => createTemplateFromStarter(who, { starter: "webterm", name: "x2", displayName: "X" })],
      ["duplicate", (who) => duplicateTemplate(who, { source: "existing", name: "x3" })],
      ["preview", (who) => previewTemplateImport(who, { yaml: seedYaml, name: "x4" })],
      ["import", (who) => importTemplate(who, { yaml: seedYaml, name: "x5" })],
      ["export", (who) => exportTemplate(who, { name: "existing", format: "envdeck" })],
      ["impact", (who) => getTemplateDeleteImpact(who, { name: "existing" })],
      ["delete", (who) => deleteTemplate(who, { name: "existing", instances: "end" })],
      ["restore", (who) => restoreTemplate(who, { name: "existing" })],
    ];
    for (const [what, run] of calls) {
      await expect(run(null), what).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
      for (const who of [student, teacher]) await expect(run(who), `${what} as ${who.username}`).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("only admins: every server action answers students and teachers with a refusal, and nothing changes", async () => {
    const before = await snapshot();
    const cases: [AnyAction, Record<string, string>][] = [
      [actions.createTemplateAction as AnyAction, { starter: "blank", name: "y1", displayName: "Y" }],
      [actions.duplicateTemplateAction as AnyAction, { source: "existing", name: "y2", displayName: "" }],
      [actions.previewImportAction as AnyAction, { yaml: seedYaml, name: "y3" }],
      [actions.importTemplateAction as AnyAction, { yaml: seedYaml, name: "y4" }],
      [actions.deleteTemplateAction as AnyAction, { name: "existing", instances: "end" }],
      [actions.restoreTemplateAction as AnyAction, { name: "existing" }],
    ];
    for (const [action, fields] of cases) {
      for (const who of [student, teacher]) {
        session.identity = who;
        expect(await call(action, fields)).toEqual({ ok: false, message: "You do not have permission to do that." });
      }
      session.identity = null;
      expect(await call(action, fields)).toMatchObject({ ok: false, message: expect.stringMatching(/session has ended/) });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("only admins download an export: 403 for a student, 401 signed out", async () => {
    session.identity = student;
    const refused = await exportRequest("existing", "format=envdeck");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "FORBIDDEN" });
    session.identity = null;
    expect((await exportRoute.GET(new Request("http://envdeck.test/admin/templates/existing/export?format=envdeck"), { params: Promise.resolve({ name: "existing" }) })).status).toBe(401);
  });
});

describe("creating from a starter", () => {
  it("creates version 1 of each starter, audited with the starter it came from", async () => {
    for (const starter of ["blank", "webterm", "vscode", "jupyter", "postgresql"]) {
      const template = await createTemplateFromStarter(admin, { starter, name: `s-${starter}`, displayName: `Starter ${starter}` });
      const versions = await database.db().templateVersion.findMany({ where: { templateId: template.id } });
      expect(versions.map((v) => [v.version, v.message, v.authorId])).toEqual([[1, expect.stringMatching(/^Created from the .* starter$/), admin.userId]]);
      const [entry] = await auditOf("template.create", template.id);
      expect(entry).toMatchObject({ actorId: admin.userId, before: null, after: { name: `s-${starter}`, starter } });
    }
    expect((await database.db().template.findUniqueOrThrow({ where: { name: "s-blank" } })).enabled).toBe(false);
    expect((await database.db().template.findUniqueOrThrow({ where: { name: "s-jupyter" } })).method).toBe("pool");
  });

  it("creates a base template when asked: marked as such, never in a catalog, extended by others", async () => {
    const base = await createTemplateFromStarter(admin, { starter: "webterm", name: "s-base", displayName: "Shared terminal", isBase: true });
    expect(base.isBase).toBe(true);
    const [version] = await database.db().templateVersion.findMany({ where: { templateId: base.id } });
    expect(version!.message).toBe("Created from the Web terminal starter as a base template");
    expect((await auditOf("template.create", base.id))[0]).toMatchObject({ after: { isBase: true } });
    await expect(launchInstance(student, { template: "s-base" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses bad input at its field, and saves nothing", async () => {
    await deleteTemplate(admin, { name: (await createLaunchTemplate("gone-name")).name, instances: "keep" });
    const before = await snapshot();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ starter: "webterm", name: "existing", displayName: "X" }, "name", /taken by another template/],
      [{ starter: "webterm", name: "gone-name", displayName: "X" }, "name", /deleted template: restore it/],
      [{ starter: "webterm", name: "new", displayName: "X" }, "name", /reserved/],
      [{ starter: "webterm", name: "wébterm", displayName: "X" }, "name", /lowercase/],
      [{ starter: "webterm", name: "x'; DROP TABLE templates;--", displayName: "X" }, "name", /lowercase/],
      [{ starter: "webterm", name: "<b>x</b>", displayName: "X" }, "name", /lowercase/],
      [{ starter: "webterm", name: "a".repeat(41), displayName: "X" }, "name", /at most 40/],
      [{ starter: "webterm", name: 42, displayName: "X" }, "name", /required/],
      [{ starter: "webterm", displayName: "X" }, "name", /required/],
      [{ starter: "webterm", name: "ok-name", displayName: "x".repeat(101) }, "displayName", /at most 100/i],
      [{ starter: "webterm", name: "ok-name", displayName: "a\u0000b" }, "displayName", /printable characters only/],
      [{ starter: "webterm", name: "ok-name" }, "displayName", /required/i],
      [{ starter: "kubernetes", name: "ok-name", displayName: "X" }, "starter", /one of blank/],
      [{ starter: { id: "webterm" }, name: "ok-name", displayName: "X" }, "starter", /one of blank/],
      [{ starter: "webterm", name: "ok-name", displayName: "X", isBase: "yes" }, "isBase", /true or false/],
    ];
    for (const [input, field, message] of cases) {
      const error = await createTemplateFromStarter(admin, input as never).then(
        () => null,
        (e: unknown) => e as { code: string; fields?: Record<string, string[]> },
      );
      expect(error, JSON.stringify(input).slice(0, 80)).not.toBeNull();
      expect(error!.fields?.[field]?.join(" "), JSON.stringify(input).slice(0, 80)).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("keeps markup and any language in the display name as the text it is", async () => {
    await createTemplateFromStarter(admin, { starter: "blank", name: "markup", displayName: "<img src=x onerror=alert(1)> Données 名前" });
    expect((await database.db().template.findUniqueOrThrow({ where: { name: "markup" } })).displayName).toBe("<img src=x onerror=alert(1)> Données 名前");
  });

  it("through the server action, refuses overlong and unknown form input before any work", async () => {
    session.identity = admin;
    const before = await snapshot();
    expect(await call(actions.createTemplateAction as AnyAction, { starter: "webterm", name: "x".repeat(300), displayName: "X" })).toMatchObject({ ok: false, fieldErrors: { name: expect.any(Array) } });
    expect(await call(actions.createTemplateAction as AnyAction, { name: "ok", displayName: "X" })).toMatchObject({ ok: false, fieldErrors: { starter: expect.any(Array) } });
    expect(await call(actions.createTemplateAction as AnyAction, { starter: "webterm", name: "ok\u0000", displayName: "X" })).toMatchObject({ ok: false, message: expect.stringMatching(/NUL/) });
    // The base-template box sends "on" when checked and nothing otherwise: anything else is not the form's.
    expect(await call(actions.createTemplateAction as AnyAction, { starter: "webterm", name: "ok", displayName: "X", isBase: "true" })).toMatchObject({ ok: false, fieldErrors: { isBase: expect.any(Array) } });
    expect(await snapshot()).toEqual(before);
    expect(await call(actions.createTemplateAction as AnyAction, { starter: "vscode", name: "via-action", displayName: "Via action" })).toEqual({ ok: true, result: { name: "via-action" } });
    expect(await call(actions.createTemplateAction as AnyAction, { starter: "vscode", name: "via-action-base", displayName: "Base", isBase: "on" })).toEqual({ ok: true, result: { name: "via-action-base" } });
    expect((await database.db().template.findUniqueOrThrow({ where: { name: "via-action" } })).isBase).toBe(false);
    expect((await database.db().template.findUniqueOrThrow({ where: { name: "via-action-base" } })).isBase).toBe(true);
  });
});

describe("duplicating", () => {
  it("copies the operational fields and the latest spec as version 1; the original is unchanged", async () => {
    const source = await createLaunchTemplate("original", { displayName: "Original", description: "The first", category: "labs", method: "pool", poolSize: 1, poolMaxSize: 3, ttlSeconds: 600, maxInstancesPerUser: 2 });
    await database.db().template.update({ where: { id: source.id }, data: { labels: { course: "cs-101" }, annotations: { note: "kept" } } });
    await saveTemplateSpec(admin, { name: "original", spec: { chart: { type: "helm", repoUrl: "https://charts.example.test", chart: "demo", revision: "2.0.0" }, valuesTemplate: "host: {{ host }}\nv: 2\n", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" } });
    const copy = await duplicateTemplate(admin, { source: "original", name: "original-copy" });
    const [a, b] = await Promise.all(["original", "original-copy"].map((name) => database.db().template.findUniqueOrThrow({ where: { name }, include: { versions: true } })));
    expect(b!).toMatchObject({
      displayName: "Original (copy)",
      description: "The first",
      category: "labs",
      method: "pool",
      poolSize: 1,
      poolMaxSize: 3,
      ttlSeconds: 600,
      maxInstancesPerUser: 2,
      labels: { course: "cs-101" },
      annotations: { note: "kept" },
      ownerId: null,
    });
    expect(b!.versions.map((v) => [v.version, v.checksum, v.message])).toEqual([[1, a!.versions.find((v) => v.version === 2)!.checksum, "Duplicated from original v2"]]);
    expect(a!.versions.map((v) => v.version).sort()).toEqual([1, 2]);
    expect((await auditOf("template.duplicate", copy.id))[0]).toMatchObject({ actorId: admin.userId, after: { name: "original-copy", source: { name: "original", version: 2 } } });
  });

  it("refuses an unknown source, a taken or missing name, and saves nothing", async () => {
    const before = await snapshot();
    await expect(duplicateTemplate(admin, { source: "nope", name: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(duplicateTemplate(admin, { source: ["existing"], name: "x" } as never)).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { source: ["is required"] } });
    await expect(duplicateTemplate(admin, { source: "existing", name: "existing" })).rejects.toMatchObject({ code: "CONFLICT", fields: { name: [expect.stringMatching(/taken/)] } });
    await expect(duplicateTemplate(admin, { source: "existing", name: "" })).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { name: ["is required"] } });
    await expect(duplicateTemplate(admin, { source: "existing", name: "dup", displayName: "<\u0007>" })).rejects.toMatchObject({ fields: { displayName: [expect.stringMatching(/control/)] } });
    expect(await snapshot()).toEqual(before);
  });
});

describe("importing a template file", () => {
  it("previews the seed's DployTemplate with what was left out and changed, and saves nothing", async () => {
    const before = await snapshot();
    const preview = await previewTemplateImport(admin, { yaml: seedYaml, name: "dploy-webterm" });
    expect(preview).toMatchObject({ format: "dploy", fields: { name: "dploy-webterm", displayName: "Web Terminal", ttlSeconds: 86400 }, spec: { chart: { type: "git", revision: "main" } } });
    expect(preview.ignored).toEqual([{ path: "metadata.namespace", line: 6, message: expect.any(String) }]);
    expect(preview.adjusted.map((n) => n.path)).toEqual(["spec.valuesTemplate"]);
    expect(await snapshot()).toEqual(before);
  });

  it("imports what it previewed, audited with the format and the fields left out", async () => {
    const outcome = await importTemplate(admin, { yaml: seedYaml, name: "dploy-webterm" });
    const template = await database.db().template.findUniqueOrThrow({ where: { name: "dploy-webterm" }, include: { versions: true } });
    expect(template).toMatchObject({ displayName: "Web Terminal", description: "Browser-based shell for students", icon: "terminal", category: "learning,linux", ttlSeconds: 86400, ttlExtendSeconds: 7200, ttlMaxExtends: 5 });
    expect(template.versions.map((v) => [v.version, v.message, v.valuesTemplate])).toEqual([[1, "Imported from a DployTemplate", outcome.spec.valuesTemplate]]);
    expect((await auditOf("template.import", template.id))[0]).toMatchObject({ actorId: admin.userId, after: { name: "dploy-webterm", format: "dploy", ignored: ["metadata.namespace"] } });
    // It is a working template: a student launches it.
    const launched = await launchInstance(student, { template: "dploy-webterm", params: { shell: "/bin/zsh" } });
    expect(launched.environment.params).toEqual({ shell: "/bin/zsh" });
  });

  it("refuses a name that is taken at the file's line, or at the form's name field when the name came from there", async () => {
    const taken = seedYaml.replace("name: webterm", "name: existing");
    await expect(importTemplate(admin, { yaml: taken })).rejects.toMatchObject({ code: "CONFLICT", fields: { "metadata.name": [expect.stringMatching(/taken by another template.*\(line 5\)$/)] } });
    await expect(importTemplate(admin, { yaml: seedYaml, name: "existing" })).rejects.toMatchObject({ code: "CONFLICT", fields: { name: [expect.stringMatching(/taken/)] } });
    await expect(importTemplate(admin, { yaml: seedYaml, name: "Not A Name" })).rejects.toMatchObject({ fields: { name: [expect.stringMatching(/lowercase/)] } });
  });

  it("refuses bad files with every problem at its line, and saves nothing", async () => {
    const before = await snapshot();
    const cases: [unknown, string, RegExp][] = [
      ["kind: [", "yaml", /line 1/],
      [seedYaml.replace("kind: DployTemplate", "kind: Pod"), "kind", /not a template Envdeck imports.*\(line 3\)$/],
      [seedYaml.replace("dploy.dev/v1alpha1", "dploy.dev/v9"), "apiVersion", /line 2/],
      [`${seedYaml}---\n${seedYaml}`, "yaml", /one document/],
      [`# ${"x".repeat(1024 * 1024)}\n${seedYaml}`, "yaml", /larger than 1 MiB/],
      [seedYaml.replace("seconds: 86400", "seconds: forever"), "spec.ttl.seconds", /whole number of seconds\. \(line 30\)/],
      [seedYaml.replace("enabled: true", "enabled: 1"), "spec.enabled", /Use true or false\. \(line 12\)/],
      [seedYaml.replace("icon: terminal", "icon: terminal\n  extra: { a: 1 }").replace("name: webterm", "name: w2").replace('displayName: "Web Terminal"', `displayName: "${"W".repeat(120)}"`), "spec.displayName", /at most 100 .*\(line 8\)/i],
      // Found only by the full validation: a pool template may not use the owner.
      [seedYaml.replace("method: on-demand # or \"pool\"", "method: pool\n  pool: { size: 1 }").replace("name: webterm", "name: pool-owner"), "spec.valuesTemplate", /pool templates cannot use "owner"/],
      [seedYaml.replace('user: "{{ .Owner }}"', 'user: "{{ .Owner }}"\n    broken: {{ .Nope }}').replace("name: webterm", "name: w3"), "spec.valuesTemplate", /\.Nope is not a variable .*\(line 28\)/],
      [42, "yaml", /must be YAML text/],
    ];
    for (const [yaml, field, message] of cases) {
      const error = await importTemplate(admin, { yaml }).then(
        () => null,
        (e: unknown) => e as { code: string; fields?: Record<string, string[]> },
      );
      expect(error?.code, String(yaml).slice(0, 40)).toBe("INVALID_INPUT");
      expect(error!.fields?.[field]?.join(" "), `${field} in ${JSON.stringify(error!.fields).slice(0, 300)}`).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("through the server action, refuses a file too large for the form before reading it", async () => {
    session.identity = admin;
    const before = await snapshot();
    const state = await call(actions.importTemplateAction as AnyAction, { yaml: "x".repeat(1024 * 1024 + 1), name: "" });
    expect(state).toMatchObject({ ok: false, fieldErrors: { yaml: ["The file is larger than 1 MiB."] } });
    expect(await snapshot()).toEqual(before);
  });
});

describe("exporting", () => {
  it("downloads both formats as YAML attachments, and an Envdeck export imports as the same template", async () => {
    session.identity = admin;
    const envdeck = await exportRequest("original", "format=envdeck");
    expect(envdeck.status).toBe(200);
    expect(envdeck.headers.get("content-type")).toBe("text/yaml; charset=utf-8");
    expect(envdeck.headers.get("content-disposition")).toBe('attachment; filename="original.envdeck.yaml"');
    const text = await envdeck.text();
    expect(parse(text)).toMatchObject({ apiVersion: "envdeck.dev/v1", kind: "Template", origin: { template: "original", version: 2 } });
    const dploy = await exportRequest("original", "format=dploy");
    expect(dploy.headers.get("content-disposition")).toBe('attachment; filename="original.dploy.yaml"');
    expect(parse(await dploy.text())).toMatchObject({ apiVersion: "dploy.dev/v1alpha1", kind: "DployTemplate", metadata: { name: "original" } });

    await importTemplate(admin, { yaml: text, name: "original-again" });
    // Everything but what identifies the row itself, and the same spec.
    const pick = async (name: string) => {
      const { id: _id, name: _name, createdAt: _c, updatedAt: _u, ...row } = await database.db().template.findUniqueOrThrow({ where: { name } });
      const version = await database.db().templateVersion.findFirstOrThrow({ where: { template: { name } }, orderBy: { version: "desc" } });
      return { row, checksum: version.checksum };
    };
    expect(await pick("original-again")).toEqual(await pick("original"));
  });

  it("refuses an unknown format (400), an unknown or deleted template (404)", async () => {
    session.identity = admin;
    expect((await exportRequest("original", "format=helm")).status).toBe(400);
    expect((await exportRequest("original", "format=dploy&format=envdeck")).status).toBe(400);
    expect((await exportRequest("no-such", "format=dploy")).status).toBe(404);
    expect((await exportRequest("gone-name", "format=dploy")).status).toBe(404);
    expect((await exportRequest("..%2Fetc", "format=dploy")).status).toBe(404);
  });
});

describe("deleting and restoring", () => {
  it("says what deleting would touch", async () => {
    const lab = await createLaunchTemplate("impact", { method: "pool", poolSize: 1, ttlSeconds: 600 });
    await insertAvailableMembers(lab.id, 2);
    await launchInstance(student, { template: "impact" });
    expect(await getTemplateDeleteImpact(admin, { name: "impact" })).toMatchObject({ live: 1, unlimited: 0, unclaimed: 1, extendedBy: [], lastExpiry: expect.any(Date) });
  });

  it("leaving environments to run: the template leaves the catalog and cannot be launched; they run on, and their owners can still end them", async () => {
    await createLaunchTemplate("keepers", { displayName: "Keepers" });
    const running = (await launchInstance(student, { template: "keepers" })).environment;
    expect(catalogNames(await listCatalog(student))).toContain("keepers");

    const result = await deleteTemplate(admin, { name: "keepers", instances: "keep" });
    expect(result).toEqual({ name: "keepers", ended: [], kept: 1 });
    expect(catalogNames(await listCatalog(student))).not.toContain("keepers");
    await expect(launchInstance(await createUser({ name: "late" }), { template: "keepers" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await database.db().instance.findUniqueOrThrow({ where: { uuid: running.uuid } })).phase).toBe("Pending");
    const template = await database.db().template.findUniqueOrThrow({ where: { name: "keepers" } });
    expect((await auditOf("template.delete", template.id))[0]).toMatchObject({
      actorId: admin.userId,
      before: { name: "keepers", deletedAt: null, liveInstances: 1 },
      after: { name: "keepers", deletedAt: expect.any(String), instances: "keep", ended: [] },
    });
    await releaseInstance(student, { uuid: running.uuid });
    expect((await database.db().instance.findUniqueOrThrow({ where: { uuid: running.uuid } })).phase).toBe("Expiring");
  });

  it("ending environments now: each is released as its owner would, for the worker to tear down", async () => {
    const pool = await createLaunchTemplate("enders", { method: "pool", poolSize: 2, ttlSeconds: 600 });
    await insertAvailableMembers(pool.id, 3);
    const claimed = (await launchInstance(student, { template: "enders" })).environment;
    const other = await createUser({ name: "other" });
    const second = (await launchInstance(other, { template: "enders" })).environment;
    const free = (await database.db().instance.findFirstOrThrow({ where: { templateId: pool.id, ownerKey: null } })).uuid;

    const result = await deleteTemplate(admin, { name: "enders", instances: "end" });
    expect([...result.ended].sort()).toEqual([claimed.uuid, second.uuid].sort());
    for (const uuid of result.ended) {
      expect(await database.db().instance.findUniqueOrThrow({ where: { uuid } })).toMatchObject({ phase: "Expiring", message: `Ended: its template was deleted by ${admin.username}` });
      expect((await auditOf("instance.release", uuid))[0]).toMatchObject({ actorId: admin.userId, before: { phase: "Claimed" }, after: { phase: "Expiring", reason: "template deleted" } });
    }
    expect((await auditOf("template.delete", pool.id))[0]).toMatchObject({ after: { instances: "end", ended: result.ended } });
    // Members nobody claimed are the pool controller's to remove, as for a disabled template.
    expect((await database.db().instance.findUniqueOrThrow({ where: { uuid: free } })).phase).toBe("Available");
    const ctx = testContext({ engine: unreachableEngine("catalogtest"), noEngineReason: NO_CLUSTER_MESSAGE, installationId: "catalogtest" });
    expect((await reconcilePool(ctx, pool.id, 5)).removed).toEqual([free]);
    expect(await phasesOf(pool.id)).toEqual({ Expiring: 3 });
  });

  it("refuses bad input, an unknown or deleted template and one that others extend, and changes nothing", async () => {
    await createLaunchTemplate("base-lab", { isBase: true });
    await createLaunchTemplate("child-lab", { spec: { extends: "base-lab" } });
    const before = await snapshot();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: "existing", instances: "maybe" }, "INVALID_INPUT", /keep them until they expire/],
      [{ name: "existing" }, "INVALID_INPUT", /keep them/],
      [{ name: "existing", instances: ["end"] }, "INVALID_INPUT", /keep them/],
      [{ name: "no-such", instances: "keep" }, "NOT_FOUND", /no template named "no-such"/],
      [{ name: "x".repeat(5000), instances: "keep" }, "NOT_FOUND", /no template/],
      [{ name: "existing'; DELETE FROM templates;--", instances: "keep" }, "NOT_FOUND", /no template/],
      [{ name: 42, instances: "keep" }, "NOT_FOUND", /no template/],
      [{ name: "keepers", instances: "keep" }, "NOT_FOUND", /no template/],
      [{ name: "base-lab", instances: "keep" }, "CONFLICT", /child-lab extends it/],
    ];
    for (const [input, code, message] of cases) {
      await expect(deleteTemplate(admin, input as never), JSON.stringify(input).slice(0, 60)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    }
    expect(await getTemplateDeleteImpact(admin, { name: "base-lab" })).toMatchObject({ extendedBy: ["child-lab"] });
    expect(await snapshot()).toEqual(before);
  });

  it("restores: back in the catalog and launchable, audited; refused for a live or unknown template", async () => {
    const result = await restoreTemplate(admin, { name: "keepers" });
    expect(result).toEqual({ name: "keepers" });
    expect(catalogNames(await listCatalog(student))).toContain("keepers");
    const template = await database.db().template.findUniqueOrThrow({ where: { name: "keepers" } });
    expect((await auditOf("template.restore", template.id))[0]).toMatchObject({ actorId: admin.userId, before: { deletedAt: expect.any(String) }, after: { deletedAt: null } });
    await expect(launchInstance(await createUser({ name: "returning" }), { template: "keepers" })).resolves.toMatchObject({ outcome: "created" });

    const before = await snapshot();
    await expect(restoreTemplate(admin, { name: "keepers" })).rejects.toMatchObject({ code: "CONFLICT", message: "Keepers is not deleted." });
    await expect(restoreTemplate(admin, { name: "no-such" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(restoreTemplate(admin, { name: null } as never)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await snapshot()).toEqual(before);
  });

});

describe("the list", () => {
  it("filters on the server by search, state, method, category, owner and deleted, with environments and pool members", async () => {
    const list = (params: Record<string, string>) => listTemplates(admin, { searchParams: params }).then((l) => l.rows.map((r) => r.name));
    const all = await listTemplates(admin, { searchParams: {} });
    expect(all.totals.deleted).toBe(2);
    expect(all.rows.find((r) => r.name === "keepers")).toMatchObject({ live: 1, poolTotal: 0, method: "on_demand", isSystem: true });
    expect(all.categories).toEqual(expect.arrayContaining(["", "labs", "learning"]));

    expect(await list({ q: "web TERMINAL" })).toEqual(["dploy-webterm"]);
    expect(await list({ q: "100%_" })).toEqual([]);
    expect((await list({ state: "base" })).sort()).toEqual(["base-lab", "s-base", "via-action-base"]);
    // Both made from the blank starter, which starts disabled.
    expect(await list({ state: "disabled" })).toEqual(["markup", "s-blank"]);
    expect(await list({ method: "pool" })).toEqual(expect.arrayContaining(["original", "original-copy", "s-jupyter"]));
    expect(await list({ method: "pool" })).not.toContain("existing");
    expect(await list({ category: "labs" })).toEqual(["existing", "original", "original-again", "original-copy"]);
    expect(await list({ deleted: "1" })).toEqual(["enders", "gone-name"]);
    expect(await list({ deleted: "1", q: "end" })).toEqual(["enders"]);

    await database.db().template.update({ where: { name: "markup" }, data: { ownerId: teacher.userId, validationError: "values: broken" } });
    expect(await list({ owner: "class" })).toEqual(["markup"]);
    expect(await list({ owner: "system" })).not.toContain("markup");
    expect(await list({ state: "invalid" })).toEqual(["markup"]);
    expect((await listTemplates(admin, { searchParams: { owner: "class" } })).rows[0]).toMatchObject({ ownerName: "theo", isSystem: false, validationError: "values: broken" });

    const pool = (await listTemplates(admin, { searchParams: { q: "original" } })).rows.find((r) => r.name === "original")!;
    expect(pool).toMatchObject({ live: 0, poolAvailable: 0, poolClaimed: 0, poolTotal: 0 });
    await insertAvailableMembers((await database.db().template.findUniqueOrThrow({ where: { name: "original" } })).id, 2);
    await launchInstance(await createUser({ name: "lister" }), { template: "original" });
    expect((await listTemplates(admin, { searchParams: { q: "original" } })).rows.find((r) => r.name === "original")).toMatchObject({ live: 1, poolAvailable: 1, poolClaimed: 1, poolTotal: 2 });
  });
});

describe("restoring after the name was taken", () => {
  it("refuses to restore when another template has taken the name meanwhile", async () => {
    // Names of deleted templates are never given out again, and the unique index on names enforces it; this
    // recreates what a template taking the name behind the portal's back would leave, in this file's database.
    await deleteTemplate(admin, { name: "impact", instances: "keep" });
    const deleted = await database.db().template.findUniqueOrThrow({ where: { name: "impact" } });
    await database.db().$executeRawUnsafe("ALTER TABLE templates DROP CONSTRAINT IF EXISTS templates_name_key");
    await database.db().$executeRawUnsafe("DROP INDEX IF EXISTS templates_name_key");
    await database.db().$executeRawUnsafe(
      `INSERT INTO templates (name, display_name, updated_at) VALUES ('impact', 'Impostor', now())`,
    );
    const before = await snapshot();
    await expect(restoreTemplate(admin, { name: "impact" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/another template is called "impact" now/) });
    expect(await snapshot()).toEqual(before);
    expect((await database.db().template.findUniqueOrThrow({ where: { id: deleted.id } })).deletedAt).not.toBeNull();
  });
});
