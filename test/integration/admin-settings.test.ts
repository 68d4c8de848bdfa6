import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionState } from "@/lib/auth/actions";
import { db } from "@/lib/db/client";
import { WAKE_CHANNEL } from "@/lib/db/coordination";
import { readSettings } from "@/lib/db/settings";
import type { Identity } from "@/lib/domain/identity";
import { settingsFormOf, type SettingsFormInput } from "@/lib/domain/settings-form";
import { previewSettings } from "@/lib/services/settings/preview-settings";
import { saveSettings } from "@/lib/services/settings/save-settings";
import { launchInstance } from "@/lib/services/instances/launch";
import { createTemplateFromStarter } from "@/lib/services/templates/create-from-starter";
import { createTemplate } from "@/lib/services/templates/create-template";
import { importTemplate } from "@/lib/services/templates/import-template";
import { setupTestDatabase, withPg } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser, insertAvailableMembers } from "@/test/support/launch";

/**
 * The admin's settings form, its use cases and server actions, against the real database. The one stand-in
 * is the next-auth session (`getIdentity`), which answers with the identity the test says is signed in.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));

const { saveSettingsAction, previewSettingsAction } = await import("@/app/(staff)/admin/settings/actions");

allowLaunching();
const database = setupTestDatabase();

type AnyAction = (state: never, data: FormData) => Promise<ActionState<unknown>>;
function call(action: AnyAction, fields: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return action({ ok: false } as never, data);
}
const snapshot = async () => ({ settings: await db().setting.findMany({ where: { key: { not: "installation.id" } }, orderBy: { key: "asc" } }), audit: await db().auditEvent.count() });

let admin: Identity;
let teacher: Identity;
let student: Identity;
let form: SettingsFormInput;
const withForm = (change: Partial<Record<keyof SettingsFormInput, unknown>>) => ({ ...form, ...change });

beforeAll(async () => {
  admin = await createUser({ name: "admin", roles: ["admin"] });
  teacher = await createUser({ name: "teacher", roles: ["teacher"] });
  student = await createUser({ name: "student", roles: ["student"] });
  form = settingsFormOf(await readSettings());
});

describe("who may change the settings", () => {
  it.each([
    ["anonymous", () => null, /session has ended/, "UNAUTHENTICATED"],
    ["a student", () => student, /permission/, "FORBIDDEN"],
    ["a teacher", () => teacher, /permission/, "FORBIDDEN"],
  ])("refuses %s, by action and by use case, and changes nothing", async (_, who, message, code) => {
    session.identity = who();
    const before = await snapshot();
    const settings = JSON.stringify(withForm({ baseDomain: "evil.example" }));
    for (const action of [saveSettingsAction, previewSettingsAction] as AnyAction[]) {
      const state = await call(action, { settings, confirm: "true" });
      expect(state.ok).toBe(false);
      expect(state.message).toMatch(message);
    }
    await expect(saveSettings(who(), { settings: withForm({ baseDomain: "evil.example" }), confirm: true })).rejects.toMatchObject({ code });
    await expect(previewSettings(who(), { settings: form })).rejects.toMatchObject({ code });
    expect(await snapshot()).toEqual(before);
  });
});

describe("saving the settings form", () => {
  it("writes nothing when nothing changed", async () => {
    session.identity = admin;
    const before = await snapshot();
    expect(await call(saveSettingsAction as AnyAction, { settings: JSON.stringify(form) })).toMatchObject({ ok: true, result: { changed: [] } });
    expect(await snapshot()).toEqual(before);
  });

  it("saves a new base domain, audited before and after, wakes the worker, and the next launch uses it", async () => {
    await createLaunchTemplate("web-term", { spec: { valuesTemplate: "host: {{ host }}\n" } });
    const woken = await withPg(database.url, async (listener) => {
      const payloads: string[] = [];
      listener.on("notification", (n) => payloads.push(n.payload ?? ""));
      await listener.query(`LISTEN ${WAKE_CHANNEL}`);
      session.identity = admin;
      const state = await call(saveSettingsAction as AnyAction, { settings: JSON.stringify(withForm({ baseDomain: "Labs.Example.EDU" })) });
      expect(state).toMatchObject({ ok: true, result: { changed: ["addresses"], settings: { baseDomain: "labs.example.edu" } } });
      await listener.query("SELECT 1");
      return payloads;
    });
    expect(woken).toContain("settings");
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "settings.update" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ actorName: "admin", before: { baseDomain: "envdeck.localhost" }, after: { baseDomain: "labs.example.edu" } });
    const launched = await launchInstance(student, { template: "web-term" });
    expect(launched.environment.url).toBe(`https://web-term-${launched.environment.uuid}.labs.example.edu/`);
  });

  it("previews a base domain change as reaching new launches only, without asking", async () => {
    const preview = await previewSettings(admin, { settings: withForm({ baseDomain: "other.example.edu" }) });
    expect(preview.needsConfirmation).toBe(false);
    expect(preview.lines[0]!.text).toMatch(/^New launches get addresses under other\.example\.edu instead of labs\.example\.edu; the 1 running environment keep/);
  });

  it("asks for a confirmation before Flux settings reach environments in the cluster, then saves", async () => {
    const before = await snapshot();
    const change = withForm({ baseDomain: "labs.example.edu", fluxInterval: "1m" });
    await expect(saveSettings(admin, { settings: change })).rejects.toMatchObject({ code: "CONFLICT", fields: { confirm: [expect.stringMatching(/applies the new Flux settings to the 1 environment/)] } });
    expect(await snapshot()).toEqual(before);
    expect(await saveSettings(admin, { settings: change, confirm: true })).toMatchObject({ changed: ["flux"], settings: { flux: { interval: "1m" } } });
  });

  it("says which templates a change of values would break, asks first, and takes them out of the catalog when saved", async () => {
    const values = "registry: registry.example.edu\n";
    await saveSettings(admin, { settings: withForm({ baseDomain: "labs.example.edu", fluxInterval: "1m", valuesYaml: values }), confirm: true });
    const template = await createLaunchTemplate("uses-registry", { spec: { valuesTemplate: "image: {{ config.values.registry }}/app\n" } });
    await insertAvailableMembers(template.id, 0);
    const change = withForm({ baseDomain: "labs.example.edu", fluxInterval: "1m", valuesYaml: "" });
    const preview = await previewSettings(admin, { settings: change });
    expect(preview).toMatchObject({ needsConfirmation: true });
    expect(preview.lines.at(-1)!.text).toMatch(/1 template would no longer render and leave the catalog: uses-registry/);
    await expect(saveSettings(admin, { settings: change })).rejects.toMatchObject({ code: "CONFLICT" });
    const saved = await saveSettings(admin, { settings: change, confirm: true });
    expect(saved.invalidTemplates).toContain("uses-registry");
    expect((await db().template.findUniqueOrThrow({ where: { name: "uses-registry" } })).validationError).toMatch(/registry/);
    await saveSettings(admin, { settings: withForm({ baseDomain: "labs.example.edu", fluxInterval: "1m", valuesYaml: values }), confirm: true });
    expect((await db().template.findUniqueOrThrow({ where: { name: "uses-registry" } })).validationError).toBeNull();
  });

  it("changes the claims templates may read: a template reading a claim that leaves the list is reported", async () => {
    const current = settingsFormOf(await readSettings());
    const saved = await saveSettings(admin, { settings: { ...current, exposedClaims: "email, name, school" }, confirm: true });
    expect(saved.settings.exposedClaims).toEqual(["email", "name", "school"]);
    await createLaunchTemplate("reads-school", { spec: { valuesTemplate: "school: {{ claims.school | default: 'none' }}\n" } });
    const preview = await previewSettings(admin, { settings: { ...current, exposedClaims: "email" } });
    expect(preview).toMatchObject({ needsConfirmation: true });
    expect(preview.lines.map((l) => l.text).join(" ")).toMatch(/would no longer render.*reads-school.*claims\.school/);
  });
});

describe("the default lifetime of new templates", () => {
  const chart = { type: "helm" as const, repoUrl: "https://charts.example.edu", chart: "lab", revision: "1.0.0" };
  const lifetimeOf = async (name: string) => {
    const t = await db().template.findUniqueOrThrow({ where: { name } });
    return { ttlSeconds: t.ttlSeconds, ttlExtendSeconds: t.ttlExtendSeconds, ttlMaxExtends: t.ttlMaxExtends };
  };

  it("is saved without a confirmation, and every way of creating a template without a lifetime takes it; existing templates keep theirs", async () => {
    session.identity = admin;
    const existing = await lifetimeOf("web-term");
    const current = settingsFormOf(await readSettings());
    const preview = await previewSettings(admin, { settings: { ...current, ttlSeconds: 2 * 86_400, ttlExtendSeconds: 1800, ttlMaxExtends: 1 } });
    expect(preview).toEqual({
      needsConfirmation: false,
      lines: [{ text: "Templates created from now on without a lifetime of their own get 2 days, extended by 30 minutes once; existing templates keep theirs.", ends: false }],
    });
    const state = await call(saveSettingsAction as AnyAction, { settings: JSON.stringify({ ...current, ttlSeconds: 2 * 86_400, ttlExtendSeconds: 1800, ttlMaxExtends: 1 }) });
    expect(state).toMatchObject({ ok: true, result: { changed: ["lifetime"], settings: { lifetime: { ttlSeconds: 172_800, extendSeconds: 1800, maxExtends: 1 } } } });
    expect((await readSettings()).lifetime).toEqual({ ttlSeconds: 172_800, extendSeconds: 1800, maxExtends: 1 });

    const expected = { ttlSeconds: 172_800, ttlExtendSeconds: 1800, ttlMaxExtends: 1 };
    await createTemplateFromStarter(admin, { starter: "blank", name: "from-blank", displayName: "From blank" });
    expect(await lifetimeOf("from-blank")).toEqual(expected);
    await createTemplate(admin, { name: "from-api", displayName: "From the API", spec: { chart, valuesTemplate: "", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" } } as never);
    expect(await lifetimeOf("from-api")).toEqual(expected);
    // A lifetime given is kept; what is left out takes the default.
    await createTemplate(admin, { name: "api-own-ttl", displayName: "Own", ttlSeconds: 600, spec: { chart, valuesTemplate: "", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" } } as never);
    expect(await lifetimeOf("api-own-ttl")).toEqual({ ...expected, ttlSeconds: 600 });

    const envdeck = "apiVersion: envdeck.dev/v1\nkind: Template\nmetadata:\n  name: from-envdeck\nspec:\n  displayName: Lab\n  version:\n    chart: { type: helm, repoUrl: https://charts.example.edu, chart: lab, revision: 1.0.0 }\n";
    const imported = await importTemplate(admin, { yaml: envdeck });
    expect(imported.adjusted.map((n) => n.message)).toContain("has no ttl: the portal's default lifetime applies (2 days, extended by 30 minutes once)");
    expect(await lifetimeOf("from-envdeck")).toEqual(expected);
    const dploy = "apiVersion: dploy.dev/v1alpha1\nkind: DployTemplate\nmetadata:\n  name: from-dploy\nspec:\n  displayName: Lab\n  chart:\n    type: helm\n    repoURL: https://charts.example.edu\n    chart: lab\n    targetRevision: 1.0.0\n";
    const fromDploy = await importTemplate(admin, { yaml: dploy });
    expect(fromDploy.adjusted.map((n) => n.message)).toContain("has no ttl: Envdeck's defaults apply (2 days, extended by 30 minutes once)");
    expect(await lifetimeOf("from-dploy")).toEqual(expected);

    expect(await lifetimeOf("web-term")).toEqual(existing);
  });

  it.each([
    [{ ttlSeconds: "2 days" }, "ttlSeconds"],
    [{ ttlSeconds: -5 }, "ttlSeconds"],
    [{ ttlSeconds: 366 * 86_400 }, "ttlSeconds"],
    [{ ttlSeconds: "٣٦٠٠" }, "ttlSeconds"],
    [{ ttlExtendSeconds: -60 }, "ttlExtendSeconds"],
    [{ ttlExtendSeconds: 0, ttlMaxExtends: 3 }, "ttlExtendSeconds"],
    [{ ttlMaxExtends: 1000 }, "ttlMaxExtends"],
    [{ ttlMaxExtends: undefined }, "ttlMaxExtends"],
  ])("refuses the lifetime %j beside its field and changes nothing", async (change, field) => {
    session.identity = admin;
    const before = await snapshot();
    const state = await call(saveSettingsAction as AnyAction, { settings: JSON.stringify({ ...settingsFormOf(await readSettings()), ...change }), confirm: "true" });
    expect(state.ok).toBe(false);
    expect(Object.keys(state.fieldErrors ?? {})).toContain(field);
    expect(await snapshot()).toEqual(before);
  });
});

describe("bad input", () => {
  it.each([
    [{ baseDomain: "https://x.example" }, "baseDomain"],
    [{ baseDomain: "x".repeat(300) }, "baseDomain"],
    [{ baseDomain: "ünï.example" }, "baseDomain"],
    [{ baseDomain: 42 }, "baseDomain"],
    [{ connectionUrlTemplate: "https://{{ host" }, "connectionUrlTemplate"],
    [{ connectionUrlTemplate: "https://x/\u0000" }, "connectionUrlTemplate"],
    [{ valuesYaml: "- a list\n" }, "valuesYaml"],
    [{ valuesYaml: "a: &a [1]\nb: *a\n".repeat(1) + Array.from({ length: 60 }, (_, i) => `k${i}: *a`).join("\n") }, "valuesYaml"],
    [{ valuesYaml: `a: "${"x".repeat(70 * 1024)}"` }, "valuesYaml"],
    [{ defaultQuota: -1 }, "defaultQuota"],
    [{ defaultQuota: "5" }, "defaultQuota"],
    [{ fetchTimeoutSeconds: 0 }, "fetchTimeoutSeconds"],
    [{ fluxInterval: "5 minutes" }, "fluxInterval"],
    [{ fluxServiceAccount: "Robert'); DROP TABLE settings;--" }, "fluxServiceAccount"],
    [{ fluxRetries: 100 }, "fluxRetries"],
    [{ fluxWait: "yes" }, "fluxWait"],
    [{ exposedClaims: "email, refresh_token" }, "exposedClaims"],
    [{ baseDomain: undefined }, "baseDomain"],
    [{ fluxNamespace: "Flux-System" }, "fluxNamespace"],
    [{ fluxNamespace: "flux.system" }, "fluxNamespace"],
    [{ fluxNamespace: "n".repeat(64) }, "fluxNamespace"],
    [{ fluxNamespace: "flüx" }, "fluxNamespace"],
    [{ fluxNamespace: 7 }, "fluxNamespace"],
    [{ fluxNamespace: undefined }, "fluxNamespace"],
    // A valid name the cluster cannot confirm: this test's cluster never answers.
    [{ fluxNamespace: "flux-system" }, "fluxNamespace"],
  ])("refuses %j beside its field and changes nothing", async (change, field) => {
    session.identity = admin;
    const before = await snapshot();
    const state = await call(saveSettingsAction as AnyAction, { settings: JSON.stringify(withForm(change)), confirm: "true" });
    expect(state.ok).toBe(false);
    expect(Object.keys(state.fieldErrors ?? {})).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    [{ settings: "{not json" }, /could not be read/],
    [{ settings: JSON.stringify({ ...{ installationId: "x" } }) }, /highlighted/],
    [{ settings: JSON.stringify("text") }, /highlighted/],
    [{ settings: "x".repeat(300 * 1024) }, /highlighted/],
    [{}, /highlighted/],
  ])("refuses a malformed request %#", async (fields, message) => {
    session.identity = admin;
    const before = await snapshot();
    const state = await call(saveSettingsAction as AnyAction, fields as Record<string, string>);
    expect(state.ok).toBe(false);
    expect(state.message).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses unknown fields", async () => {
    await expect(saveSettings(admin, { settings: { ...form, installationId: "edxxxx" }, confirm: true })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});
