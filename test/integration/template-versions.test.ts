import { describe, expect, it } from "vitest";
import { SYSTEM_IDENTITY, type Identity } from "@/lib/domain/identity";
import { upsertLocalUser } from "@/lib/services/accounts/upsert-local-user";
import { listCatalog } from "@/lib/services/catalog/list-catalog";
import { validateAllTemplates } from "@/lib/services/system/validate-templates";
import type { VersionSpec } from "@/lib/templates/spec";
import { createTemplate } from "@/lib/services/templates/create-template";
import { diffTemplateVersions } from "@/lib/services/templates/diff-versions";
import { listTemplateVersions } from "@/lib/services/templates/list-versions";
import { previewTemplate } from "@/lib/services/templates/preview";
import { rollbackTemplate } from "@/lib/services/templates/rollback";
import { saveTemplateSpec } from "@/lib/services/templates/save-spec";
import { setupTestDatabase } from "../support/database";
import { catalogNames } from "../support/launch";

const database = setupTestDatabase();

const chart = { type: "helm" as const, repoUrl: "https://charts.example.edu", chart: "webterm", revision: "1.0.0" };
const spec = (over: Partial<VersionSpec> = {}): VersionSpec => ({
  chart,
  valuesTemplate: "host: {{ host }}\nshell: {{ params.shell }}\n",
  valueFiles: [],
  parameters: { type: "object", properties: { shell: { type: "string", enum: ["/bin/bash", "/bin/zsh"], default: "/bin/bash" } } },
  ownerClaim: "",
  ...over,
});

let counter = 0;
async function admin(): Promise<Identity> {
  return upsertLocalUser(SYSTEM_IDENTITY, { username: `admin${counter++}`, password: "pw-123456", roles: ["admin"] });
}
async function newTemplate(name: string, over: Partial<VersionSpec> = {}, fields: { isBase?: boolean; method?: "pool" } = {}) {
  return createTemplate(SYSTEM_IDENTITY, { name, displayName: name, spec: spec(over), ...fields });
}
async function versionCount(name: string) {
  return database.db().templateVersion.count({ where: { template: { name } } });
}

describe("template versions", () => {
  it("start at 1 and add one per change; an unchanged save adds none", async () => {
    const editor = await admin();
    await newTemplate("t-versions");
    const changed = await saveTemplateSpec(editor, { name: "t-versions", spec: spec({ valuesTemplate: "host: {{ host }}\nshell: {{ params.shell }}\nextra: 1\n" }), message: "add extra" });
    expect(changed).toMatchObject({ created: true, version: 2 });
    // Same spec with keys in another order: same checksum, no version.
    const reordered = JSON.parse(JSON.stringify({ ownerClaim: "", valueFiles: [], chart: { revision: "1.0.0", chart: "webterm", repoUrl: chart.repoUrl, type: "helm" }, parameters: spec().parameters, valuesTemplate: "host: {{ host }}\nshell: {{ params.shell }}\nextra: 1\n" }));
    expect(await saveTemplateSpec(editor, { name: "t-versions", spec: reordered, message: "no-op" })).toMatchObject({ created: false, version: 2 });
    const history = await listTemplateVersions(editor, { name: "t-versions" });
    expect(history.map((v) => [v.version, v.message, v.author])).toEqual([
      [2, "add extra", editor.username],
      [1, "Created", "system"],
    ]);
    expect(history[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(history[0]?.checksum).not.toBe(history[1]?.checksum);
  });

  it("keep old versions unchanged and record the change in the audit log", async () => {
    const editor = await admin();
    await newTemplate("t-keep");
    await saveTemplateSpec(editor, { name: "t-keep", spec: spec({ ownerClaim: "groups" }), message: "team-owned" });
    const v1 = await database.db().templateVersion.findFirstOrThrow({ where: { template: { name: "t-keep" }, version: 1 } });
    expect(v1.ownerClaim).toBe("");
    const events = await database.db().auditEvent.findMany({ where: { action: "template.version", actorId: editor.userId } });
    expect(events).toHaveLength(1);
    expect(events[0]?.after).toMatchObject({ version: 2, spec: { ownerClaim: "groups" } });
    expect(events[0]?.before).toMatchObject({ version: 1, spec: { ownerClaim: "" } });
  });

  it("show a diff between any two versions", async () => {
    const editor = await admin();
    await newTemplate("t-diff");
    await saveTemplateSpec(editor, { name: "t-diff", spec: spec({ chart: { ...chart, revision: "2.0.0" } }), message: "bump chart" });
    const patch = await diffTemplateVersions(editor, { name: "t-diff", from: 1, to: 2 });
    expect(patch).toContain("--- t-diff v1");
    expect(patch).toContain("+++ t-diff v2");
    expect(patch).toMatch(/^-\s+revision: 1\.0\.0$/m);
    expect(patch).toMatch(/^\+\s+revision: 2\.0\.0$/m);
    await expect(diffTemplateVersions(editor, { name: "t-diff", from: 1, to: 9 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(diffTemplateVersions(editor, { name: "t-diff", from: 0, to: 1 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("roll back by creating a new version equal to an old one", async () => {
    const editor = await admin();
    await newTemplate("t-rollback");
    await saveTemplateSpec(editor, { name: "t-rollback", spec: spec({ valueFiles: ["values/big.yaml"] }), message: "bigger" });
    const result = await rollbackTemplate(editor, { name: "t-rollback", version: 1 });
    expect(result).toMatchObject({ created: true, version: 3 });
    const versions = await database.db().templateVersion.findMany({ where: { template: { name: "t-rollback" } }, orderBy: { version: "asc" } });
    expect(versions[2]?.checksum).toBe(versions[0]?.checksum);
    expect(versions[2]?.message).toBe("Rolled back to v1");
  });
});

describe("bad specs change nothing", () => {
  it.each([
    ["a chart without a URL", { chart: { type: "helm", chart: "x" } }, /chart\.repoUrl/],
    ["an OCI chart with an https URL", { chart: { type: "oci", repoUrl: "https://x", chart: "x" } }, /starts with oci:\/\//],
    ["a git path escaping the repository", { chart: { type: "git", repoUrl: "https://git.example/x", path: "../../etc" } }, /without \.\./],
    ["an invalid JSON Schema", { parameters: { type: "object", properties: { n: { type: "integer", minimum: "one" } } } }, /minimum/],
    ["broken template syntax", { valuesTemplate: "a: {{ host\n" }, /line 1/],
    ["an unknown variable", { valuesTemplate: "a: {{ hostname }}\n" }, /unknown variable "hostname"/],
    ["a CEL type error", { valuesTemplate: "a: !cel 'user.name - 1'\n" }, /CEL/],
    ["a cyclic extends", { extends: "t-bad" }, /cycle/],
    ["an unknown base", { extends: "no-such-base" }, /does not exist/],
    ["an oversized template", { valuesTemplate: `a: "${"x".repeat(300_000)}"\n` }, /valuesTemplate/],
    ["a wrong type", { valueFiles: "values.yaml" }, /valueFiles/],
    ["an injection in the owner claim", { ownerClaim: "email'; DROP TABLE users;--" }, /ownerClaim/],
  ])("%s", async (_, over, message) => {
    const editor = await admin();
    if ((await versionCount("t-bad")) === 0) await newTemplate("t-bad");
    const before = await versionCount("t-bad");
    const error = await saveTemplateSpec(editor, { name: "t-bad", spec: { ...spec(), ...over }, message: "bad" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_INPUT" });
    expect((error as Error).message).toMatch(message);
    expect(await versionCount("t-bad")).toBe(before);
  });

  it("refuses a pool template that uses per-user variables", async () => {
    await expect(newTemplate("t-pool", { valuesTemplate: "user: {{ owner }}\n" }, { method: "pool" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await database.db().template.count({ where: { name: "t-pool" } })).toBe(0);
  });

  it("refuses a bad template name", async () => {
    await expect(createTemplate(SYSTEM_IDENTITY, { name: "Bad Name!", displayName: "x", spec: spec() })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("refuses non-admins and unknown templates", async () => {
    const student = await upsertLocalUser(SYSTEM_IDENTITY, { username: "stu", password: "pw-123456", roles: ["student"] });
    await expect(saveTemplateSpec(student, { name: "t-bad", spec: spec() })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(saveTemplateSpec(null, { name: "t-bad", spec: spec() })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(saveTemplateSpec(await admin(), { name: "nope", spec: spec() })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("inheritance", () => {
  it("re-versions templates that extend a base when the base changes", async () => {
    const editor = await admin();
    await newTemplate("b-base", { valuesTemplate: "resources:\n  cpu: '1'\n", parameters: { type: "object", properties: {} } }, { isBase: true });
    await newTemplate("b-child", { extends: "b-base" });
    const result = await saveTemplateSpec(editor, { name: "b-base", spec: spec({ valuesTemplate: "resources:\n  cpu: '2'\n", parameters: { type: "object", properties: {} } }), message: "more cpu" });
    expect(result).toMatchObject({ created: true, version: 2, cascaded: [{ name: "b-child", version: 2 }] });
    const child = await database.db().templateVersion.findFirstOrThrow({ where: { template: { name: "b-child" }, version: 2 } });
    expect(child.message).toBe("Rebuilt on b-base v2");
    const preview = await previewTemplate(editor, { name: "b-child", params: {} });
    expect(preview.values).toMatchObject({ resources: { cpu: "2" }, shell: "/bin/bash" });
  });

  it("refuses a base change that would break a template extending it", async () => {
    const editor = await admin();
    await newTemplate("c-base", { valuesTemplate: "", parameters: { type: "object", properties: { shell: { type: "string", default: "/bin/sh" } } } }, { isBase: true });
    await newTemplate("c-child", { extends: "c-base", parameters: { type: "object", properties: {} } });
    const error = await saveTemplateSpec(editor, { name: "c-base", spec: spec({ valuesTemplate: "", parameters: { type: "object", properties: {} } }) }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/would break "c-child".*params\.shell/);
    expect(await versionCount("c-base")).toBe(1);
  });

  it("keeps base templates out of the catalog", async () => {
    const student = await upsertLocalUser(SYSTEM_IDENTITY, { username: "stu2", password: "pw-123456", roles: ["student"] });
    const names = catalogNames(await listCatalog(student));
    expect(names).toContain("b-child");
    expect(names).not.toContain("b-base");
  });
});

describe("preview", () => {
  it("renders the final values for the caller with validated parameters", async () => {
    const editor = await admin();
    await newTemplate("p-preview", { valuesTemplate: "user: {{ owner }}\nshell: {{ params.shell }}\nbig: !cel 'user.name.size() > 3'\n" });
    const preview = await previewTemplate(editor, { name: "p-preview", params: { shell: "/bin/zsh" } });
    expect(preview.values).toEqual({ user: editor.username, shell: "/bin/zsh", big: true });
    expect(preview.valuesYaml).toContain("shell: /bin/zsh");
    expect(preview.parameters.map((p) => p.name)).toEqual(["shell"]);
    await expect(previewTemplate(editor, { name: "p-preview", params: { shell: "/bin/fish" } })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(previewTemplate(editor, { name: "p-preview", params: { extra: 1 } })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});

describe("start-up validation", () => {
  it("reports a broken template and leaves it out of the catalog without breaking the rest", async () => {
    await newTemplate("v-ok");
    await newTemplate("v-broken");
    // Broken behind the service's back, as a stale database or a manual edit could leave it.
    await database.db().templateVersion.updateMany({ where: { template: { name: "v-broken" } }, data: { valuesTemplate: "a: {{ nope }}\n" } });
    const results = await validateAllTemplates();
    expect(results.find((r) => r.name === "v-broken")?.error).toMatch(/unknown variable "nope"/);
    expect(results.find((r) => r.name === "v-ok")?.error).toBeNull();
    const student = await upsertLocalUser(SYSTEM_IDENTITY, { username: "stu3", password: "pw-123456", roles: ["student"] });
    const names = catalogNames(await listCatalog(student));
    expect(names).toContain("v-ok");
    expect(names).not.toContain("v-broken");
  });
});
