import pg from "pg";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionState } from "@/lib/auth/actions";
import { reconcilePool } from "@/lib/controllers/pools";
import { db } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { invalidateTemplateCache } from "@/lib/db/templates";
import { SYSTEM_IDENTITY, type Identity } from "@/lib/domain/identity";
import { toSettingsInput, type TemplateSettings, type TemplateSettingsInput } from "@/lib/domain/template-settings";
import { listCatalog } from "@/lib/services/catalog/list-catalog";
import { launchInstance } from "@/lib/services/instances/launch";
import { createTemplate } from "@/lib/services/templates/create-template";
import { getTemplateDetail } from "@/lib/services/templates/get-detail";
import { listTemplateCategories } from "@/lib/services/templates/list-categories";
import { previewSettingsImpact } from "@/lib/services/templates/preview-settings-impact";
import { updateTemplateSettings, type UpdateSettingsResult } from "@/lib/services/templates/update-settings";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, catalogNames, createLaunchTemplate, createUser, insertAvailableMembers, phasesOf } from "@/test/support/launch";
import { testContext } from "@/test/support/controller";

/**
 * Editing a template's operational settings through the use case and the admin page's server actions, against
 * the real PostgreSQL: every rule, bad input, the confirmation of what ends or removes something, the audit
 * trail, the permission matrix, and the pool controller doing what the impact preview said it would.
 */

// The server actions run outside a Next.js request: the session answers with the identity the test names.
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
const { updateSettingsAction, previewSettingsImpactAction } = await import("@/app/(staff)/admin/templates/[name]/actions");

allowLaunching();
const database = setupTestDatabase();

const poolContext = testContext({ settings: { defaultQuota: 0, flux: { interval: "5m", timeout: "10m", serviceAccountName: null, remediationRetries: 3, wait: true } } });

type AnyAction<R = unknown> = (state: never, data: FormData) => Promise<ActionState<R>>;
function call<R>(action: AnyAction<R>, fields: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return action({ ok: false } as never, data);
}

/** The stored settings of a template, in the form's shape. */
async function settingsOf(name: string): Promise<TemplateSettingsInput> {
  const admin = await adminIdentity();
  return toSettingsInput((await getTemplateDetail(admin, { name })).settings);
}

let cachedAdmin: Identity | null = null;
async function adminIdentity(): Promise<Identity> {
  cachedAdmin ??= await createUser({ name: "ada", roles: ["admin", "teacher", "student"] });
  return cachedAdmin;
}

/** What a refused call must leave untouched: every template row and the audit trail. */
async function snapshot() {
  const [templates, audit] = await Promise.all([db().template.findMany({ orderBy: { name: "asc" } }), db().auditEvent.count()]);
  return { templates, audit };
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

describe("template settings", () => {
  let admin: Identity;
  let student: Identity;
  let teacher: Identity;
  beforeAll(async () => {
    admin = await adminIdentity();
    student = await createUser({ name: "sam", groups: ["class-1a"] });
    teacher = await createUser({ name: "theo", roles: ["teacher", "student"] });
    await createLaunchTemplate("shell", { displayName: "Shell", category: "learning,linux", ttlSeconds: 3600, ttlExtendSeconds: 1800, ttlMaxExtends: 2 });
  });

  it("saves a change with an audit entry of the changed fields only, wakes the pool controller, and the catalog shows it", async () => {
    const before = await settingsOf("shell");
    const catalogBefore = await listCatalog(student);
    expect(catalogNames(catalogBefore)).toContain("shell");
    let result: UpdateSettingsResult | undefined;
    const template = await db().template.findUniqueOrThrow({ where: { name: "shell" } });
    const payloads = await notificationsDuring(async () => {
      result = await updateTemplateSettings(admin, {
        name: "shell",
        settings: { ...before, displayName: "Linux Shell", icon: "code", labels: [{ key: "course", value: "net101" }], annotations: [{ key: "example.com/note", value: "Données <b>" }] },
      });
    });
    expect(result!.changed).toEqual(["displayName", "icon", "labels", "annotations"]);
    expect(payloads).toContain(POOL_WAKE_PREFIX + template.id);
    const row = await db().template.findUniqueOrThrow({ where: { name: "shell" } });
    expect(row).toMatchObject({ displayName: "Linux Shell", icon: "code", labels: { course: "net101" }, annotations: { "example.com/note": "Données <b>" } });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "template.settings", objectId: template.id }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ actorName: "ada", objectType: "template" });
    expect(audit.before).toEqual({ displayName: "Shell", icon: "default", labels: {}, annotations: {} });
    expect(audit.after).toEqual({ displayName: "Linux Shell", icon: "code", labels: { course: "net101" }, annotations: { "example.com/note": "Données <b>" } });
    // The student catalog is cached per audience; a change through the portal clears it at once.
    const entry = (await listCatalog(student)).groups.flatMap((g) => g.entries).find((e) => e.name === "shell");
    expect(entry).toMatchObject({ displayName: "Linux Shell", icon: "code" });
  });

  it("says an unchanged save changed nothing, and writes nothing", async () => {
    session.identity = admin;
    const current = await settingsOf("shell");
    const before = await snapshot();
    const result = await updateTemplateSettings(admin, { name: "shell", settings: current });
    expect(result).toMatchObject({ changed: [], impact: { lines: [], needsConfirmation: false } });
    // Label rows in another order, text that trims to the same: still nothing.
    const reordered = { ...current, displayName: ` ${current.displayName} `, labels: [...(current.labels as { key: string; value: string }[])].reverse() };
    expect((await updateTemplateSettings(admin, { name: "shell", settings: reordered })).changed).toEqual([]);
    const state = await call(updateSettingsAction, { name: "shell", settings: JSON.stringify(current) });
    expect(state).toMatchObject({ ok: true, result: { changed: [] } });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses bad input with an error on the field at fault, changing nothing", async () => {
    const valid = await settingsOf("shell");
    const before = await snapshot();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ displayName: 42 }, "displayName", /Enter text/],
      [{ displayName: "" }, "displayName", /Enter a display name/],
      [{ displayName: "x".repeat(101) }, "displayName", /100/],
      [{ displayName: "Shell\u202Egnp" }, "displayName", /printable/],
      [{ displayName: "Shell\u0000" }, "displayName", /printable/],
      [{ description: "d".repeat(2001) }, "description", /2000/],
      [{ icon: "<svg onload=alert(1)>" }, "icon", /icons/],
      [{ category: "a,b,c" }, "category", /one comma/],
      [{ category: "x".repeat(41) }, "category", /at most 40/],
      [{ enabled: "false" }, "enabled", /true or false/],
      [{ method: "pool'--" }, "method", /on demand or warm pool/],
      [{ poolSize: 1e9 }, "poolSize", /0 to 100/],
      [{ ttlSeconds: 30 }, "ttlSeconds", /Unlimited, or from 1 minute/],
      [{ ttlSeconds: "3600" }, "ttlSeconds", /Enter a whole number of seconds/],
      [{ ttlMaxExtends: 2, ttlExtendSeconds: 0 }, "ttlExtendSeconds", /Give extensions a duration/],
      [{ maxInstancesPerUser: 1001 }, "maxInstancesPerUser", /1000/],
      [{ connectionType: "instructions", connectionMessageTemplate: "" }, "connectionMessageTemplate", /Write the instructions/],
      [{ labels: [{ key: "bad key", value: "x" }] }, "labels.0.key", /letters, digits/],
      [{ labels: [{ key: "ok", value: "x".repeat(64) }] }, "labels.0.value", /63/],
      [{ annotations: [{ key: "ünï/x", value: "y" }] }, "annotations.0.key", /DNS name/],
      [{ annotations: [{ key: "note", value: "a".repeat(4097) }] }, "annotations.0.value", /4096/],
      [{ isBase: true }, "isBase", /Not a setting/],
      [{ ownerId: SYSTEM_IDENTITY.userId }, "ownerId", /Not a setting/],
    ];
    for (const [change, field, message] of cases) {
      const attempt = updateTemplateSettings(admin, { name: "shell", settings: { ...valid, ...change } });
      await expect(attempt, JSON.stringify(change).slice(0, 80)).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { [field]: [expect.stringMatching(message)] } });
    }
    const { displayName, ...missing } = valid;
    void displayName;
    await expect(updateTemplateSettings(admin, { name: "shell", settings: missing })).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { displayName: ["Required."] } });
    await expect(updateTemplateSettings(admin, { name: "shell", settings: "everything" })).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { settings: [expect.any(String)] } });
    await expect(updateTemplateSettings(admin, { name: "shell", settings: valid, confirm: "yes" as never })).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { confirm: [expect.any(String)] } });
    for (const name of ["no-such-template", "shell'; DROP TABLE templates;--", "ｓｈｅｌｌ", "", "x".repeat(5000)]) {
      await expect(updateTemplateSettings(admin, { name, settings: valid })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    // Through the server action: the same field errors, and JSON it cannot read.
    session.identity = admin;
    const state = await call(updateSettingsAction, { name: "shell", settings: JSON.stringify({ ...valid, poolSize: -1, labels: [{ key: "", value: "" }] }) });
    expect(state).toMatchObject({ ok: false, fieldErrors: { poolSize: [expect.stringMatching(/0 to 100/)], "labels.0.key": ["Enter a key."] } });
    expect(await call(updateSettingsAction, { name: "shell", settings: "{not json" })).toMatchObject({ ok: false, fieldErrors: { settings: ["Send the settings as JSON."] } });
    expect(await call(updateSettingsAction, { name: "shell", settings: "x".repeat(600 * 1024) })).toMatchObject({ ok: false, fieldErrors: { settings: [expect.stringMatching(/too large/)] } });
    expect(await call(updateSettingsAction, { settings: "{}" })).toMatchObject({ ok: false, fieldErrors: { name: [expect.any(String)] } });
    expect(await snapshot()).toEqual(before);
  });

  it("lets only admins preview or save: students and teachers get FORBIDDEN, nobody UNAUTHENTICATED, and nothing changes", async () => {
    const valid = await settingsOf("shell");
    const change = { ...valid, displayName: "Hijacked", enabled: false };
    const before = await snapshot();
    for (const identity of [student, teacher]) {
      await expect(updateTemplateSettings(identity, { name: "shell", settings: change, confirm: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(previewSettingsImpact(identity, { name: "shell", settings: change })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(listTemplateCategories(identity)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(getTemplateDetail(identity, { name: "shell" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      // Unknown templates answer the same, so the refusal says nothing about what exists.
      await expect(updateTemplateSettings(identity, { name: "no-such", settings: change })).rejects.toMatchObject({ code: "FORBIDDEN" });
      session.identity = identity;
      for (const action of [updateSettingsAction, previewSettingsImpactAction] as AnyAction[]) {
        const state = await call(action, { name: "shell", settings: JSON.stringify(change), confirm: "true" });
        expect(state).toMatchObject({ ok: false, message: "You do not have permission to do that." });
      }
    }
    await expect(updateTemplateSettings(null, { name: "shell", settings: change })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    session.identity = null;
    expect(await call(updateSettingsAction, { name: "shell", settings: JSON.stringify(change) })).toMatchObject({ ok: false, message: expect.stringMatching(/sign in/) });
    expect(await snapshot()).toEqual(before);
  });

  it("previews a TTL change from the running environments, and they keep their expiry while new launches get the new one", async () => {
    await createLaunchTemplate("ttl-lab", { ttlSeconds: 3600 });
    const users = await Promise.all([1, 2, 3].map((i) => createUser({ name: `ttl-${i}` })));
    const launched = [];
    for (const user of users) launched.push((await launchInstance(user, { template: "ttl-lab" })).environment);
    const settings = { ...(await settingsOf("ttl-lab")), ttlSeconds: 7200 };
    const preview = await previewSettingsImpact(admin, { name: "ttl-lab", settings });
    expect(preview).toEqual({
      lines: [{ text: "3 running environments keep their expiry; new launches get 2 hours.", ends: false }],
      needsConfirmation: false,
      changed: ["ttlSeconds"],
    });
    const saved = await updateTemplateSettings(admin, { name: "ttl-lab", settings });
    expect(saved.impact.lines.map((l) => l.text)).toEqual(preview.lines.map((l) => l.text));
    for (const environment of launched) {
      expect((await db().instance.findUniqueOrThrow({ where: { uuid: environment.uuid } })).expiresAt?.toISOString()).toBe(environment.expiresAt);
    }
    const start = Date.now();
    const next = (await launchInstance(await createUser({ name: "ttl-4" }), { template: "ttl-lab" })).environment;
    expect(new Date(next.expiresAt!).getTime()).toBeGreaterThanOrEqual(start + 7200_000 - 1000);
  });

  it("asks for a confirmation before disabling or hiding, and then does it", async () => {
    await createLaunchTemplate("retire-me", { ttlSeconds: 3600 });
    await launchInstance(await createUser({ name: "retiree" }), { template: "retire-me" });
    const settings = await settingsOf("retire-me");
    const before = await snapshot();
    const disable = { ...settings, enabled: false };
    await expect(updateTemplateSettings(admin, { name: "retire-me", settings: disable })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Confirm this change: Students and staff can no longer launch it; 1 running environment is not touched.",
      fields: { confirm: ["Students and staff can no longer launch it; 1 running environment is not touched."] },
    });
    await expect(updateTemplateSettings(admin, { name: "retire-me", settings: disable, confirm: false })).rejects.toMatchObject({ code: "CONFLICT" });
    session.identity = admin;
    expect(await call(updateSettingsAction, { name: "retire-me", settings: JSON.stringify(disable) })).toMatchObject({ ok: false, fieldErrors: { confirm: [expect.any(String)] } });
    expect(await snapshot()).toEqual(before);
    expect(await call(updateSettingsAction, { name: "retire-me", settings: JSON.stringify(disable), confirm: "true" })).toMatchObject({ ok: true, result: { changed: ["enabled"] } });
    await expect(launchInstance(await createUser({ name: "late" }), { template: "retire-me" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const hide = { ...disable, enabled: true, visible: false };
    const hidden = await previewSettingsImpact(admin, { name: "retire-me", settings: hide });
    expect(hidden.lines.map((l) => l.text)).toEqual(["Students can launch it again.", "It disappears from the catalog; it stays launchable by its link."]);
    expect(hidden.needsConfirmation).toBe(true);
    await updateTemplateSettings(admin, { name: "retire-me", settings: hide, confirm: true });
    expect(catalogNames(await listCatalog(student))).not.toContain("retire-me");
    expect((await launchInstance(await createUser({ name: "by-link" }), { template: "retire-me" })).outcome).toBe("created");
  });

  it("refuses to make a pool of a template whose spec uses who launches it, saying what and where", async () => {
    await createTemplate(SYSTEM_IDENTITY, {
      name: "personal-base",
      displayName: "Personal base",
      isBase: true,
      spec: { chart: { type: "helm", repoUrl: "https://charts.example.test", chart: "demo" }, valuesTemplate: "home: /home/{{ params.login }}\n", valueFiles: [], parameters: { type: "object", properties: { login: { type: "string", default: "me" } } }, ownerClaim: "" },
    });
    await createLaunchTemplate("personal", { spec: { extends: "personal-base", valuesTemplate: "user: {{ owner }}\n" } });
    const before = await snapshot();
    const settings = { ...(await settingsOf("personal")), method: "pool", poolSize: 2 };
    const refusal = updateTemplateSettings(admin, { name: "personal", settings, confirm: true });
    await expect(refusal).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { method: [expect.stringContaining('"params" in the values template of "personal-base"')] } });
    await expect(updateTemplateSettings(admin, { name: "personal", settings })).rejects.toMatchObject({ fields: { method: [expect.stringContaining('"owner" in the values template of this template')] } });
    expect(await snapshot()).toEqual(before);

    // A spec that does not care who launches it becomes a pool, and the worker fills it as the preview said.
    const plain = await createLaunchTemplate("plain", { spec: { valuesTemplate: "host: {{ host }}\n" } });
    const pool = { ...(await settingsOf("plain")), method: "pool" as const, poolSize: 3, poolMaxSize: 5 };
    const preview = await previewSettingsImpact(admin, { name: "plain", settings: pool });
    expect(preview.lines.map((l) => l.text)).toEqual(["Creates 3 pool members.", "Launches claim a warm member when one is free; otherwise they start on demand."]);
    await updateTemplateSettings(admin, { name: "plain", settings: pool });
    expect((await reconcilePool(poolContext, plain.id, 5)).created).toHaveLength(3);
  });

  it("removes exactly the pool members the preview announced, only once confirmed", async () => {
    const pool = await createLaunchTemplate("warm", { method: "pool", poolSize: 4 });
    await insertAvailableMembers(pool.id, 2);
    await reconcilePool(poolContext, pool.id, 5); // two more, still Pending
    const claimer = await createUser({ name: "claimer" });
    expect((await launchInstance(claimer, { template: "warm" })).outcome).toBe("claimed");
    await reconcilePool(poolContext, pool.id, 5); // refilled: 4 unclaimed (1 ready), 1 claimed
    expect(await phasesOf(pool.id)).toEqual({ Available: 1, Pending: 3, Claimed: 1 });

    const smaller = { ...(await settingsOf("warm")), poolSize: 1 };
    const preview = await previewSettingsImpact(admin, { name: "warm", settings: smaller });
    expect(preview).toMatchObject({ lines: [{ text: "Removes 3 unclaimed pool members; 1 running environment is not touched.", ends: true }], needsConfirmation: true });
    await expect(updateTemplateSettings(admin, { name: "warm", settings: smaller })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await phasesOf(pool.id)).toEqual({ Available: 1, Pending: 3, Claimed: 1 });
    await updateTemplateSettings(admin, { name: "warm", settings: smaller, confirm: true });
    expect((await reconcilePool(poolContext, pool.id, 5)).removed).toHaveLength(3);
    // Those not ready went first; the claimed one is untouched.
    expect(await phasesOf(pool.id)).toEqual({ Available: 1, Expiring: 3, Claimed: 1 });

    // Back to on demand: the last unclaimed member goes, after a confirmation.
    const onDemand = { ...smaller, method: "on_demand" as const };
    expect((await previewSettingsImpact(admin, { name: "warm", settings: onDemand })).lines[0]).toEqual({
      text: "Removes 1 unclaimed pool member (1 of them ready); 1 running environment is not touched.",
      ends: true,
    });
    await updateTemplateSettings(admin, { name: "warm", settings: onDemand, confirm: true });
    expect((await reconcilePool(poolContext, pool.id, 5)).removed).toHaveLength(1);
    expect(await phasesOf(pool.id)).toEqual({ Expiring: 4, Claimed: 1 });
  });

  it("lets a base template change how it is described, and nothing that launches", async () => {
    const settings = await settingsOf("personal-base");
    const described = { ...settings, displayName: "Personal (base)", description: "For templates with a home directory.", category: "bases", labels: [{ key: "kind", value: "base" }] };
    expect((await updateTemplateSettings(admin, { name: "personal-base", settings: described })).changed).toEqual(["displayName", "description", "category", "labels"]);
    const before = await snapshot();
    await expect(updateTemplateSettings(admin, { name: "personal-base", settings: { ...described, method: "pool", ttlSeconds: -1, enabled: false }, confirm: true })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fields: { method: [expect.stringMatching(/base template is never launched/)], ttlSeconds: [expect.any(String)], enabled: [expect.any(String)] },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("checks the connection message against the spec, and the next launch shows it", async () => {
    await createLaunchTemplate("ssh", { spec: { valuesTemplate: "host: {{ host }}\n", parameters: { type: "object", properties: { login: { type: "string", default: "student" } } } } });
    const settings = await settingsOf("ssh");
    const bad: [string, RegExp][] = [
      ["ssh {{ hostname }}", /unknown variable "hostname"/],
      ["ssh {{ host", /connectionMessageTemplate|output/],
      ["{{ params.login | raw }}", /raw filter/],
      ["{% include 'package.json' %}", /include tag/],
    ];
    const before = await snapshot();
    for (const [template, message] of bad) {
      await expect(updateTemplateSettings(admin, { name: "ssh", settings: { ...settings, connectionType: "instructions", connectionMessageTemplate: template } })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        fields: { connectionMessageTemplate: [expect.stringMatching(message)] },
      });
    }
    expect(await snapshot()).toEqual(before);
    const instructions = { ...settings, connectionType: "instructions" as const, connectionMessageTemplate: "ssh {{ params.login }}@{{ host }}" };
    await updateTemplateSettings(admin, { name: "ssh", settings: instructions });
    const { environment } = await launchInstance(await createUser({ name: "sshuser" }), { template: "ssh", params: { login: "sshuser" } });
    expect(environment).toMatchObject({ connectionType: "instructions", connectionMessage: `ssh sshuser@ssh-${environment.uuid}.envdeck.localhost` });
    // A pool template's message cannot name who launches it either.
    await expect(updateTemplateSettings(admin, { name: "ssh", settings: { ...instructions, connectionMessageTemplate: "ssh {{ owner }}@{{ host }}", method: "pool" }, confirm: true })).rejects.toMatchObject({
      fields: { connectionMessageTemplate: [expect.stringContaining('cannot use "owner"')] },
    });
  });

  it("refuses labels that a CEL value of the spec can no longer read", async () => {
    await createLaunchTemplate("tiered", { labels: { tier: "gold" }, spec: { valuesTemplate: "memory: !cel 'metadata.labels.tier == \"gold\" ? \"8Gi\" : \"2Gi\"'\n" } });
    const settings = await settingsOf("tiered");
    await expect(updateTemplateSettings(admin, { name: "tiered", settings: { ...settings, labels: [] } })).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { labels: [expect.any(String)] } });
    expect((await updateTemplateSettings(admin, { name: "tiered", settings: { ...settings, labels: [{ key: "tier", value: "silver" }] } })).changed).toEqual(["labels"]);
  });

  it("refuses to save over a change someone else made meanwhile", async () => {
    const template = await createLaunchTemplate("contested", { displayName: "Contested" });
    const settings = { ...(await settingsOf("contested")), displayName: "Mine" };
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      // Another save holds the lock and has changed the row, not yet committed: this save reads the old row first.
      await other.query("BEGIN");
      await other.query("SELECT pg_advisory_xact_lock(727002)");
      await other.query("UPDATE templates SET display_name = 'Theirs' WHERE id = $1", [template.id]);
      const mine = updateTemplateSettings(admin, { name: "contested", settings });
      mine.catch(() => {});
      // Commit only once this save waits for the lock, having read the row as it was.
      for (let i = 0; i < 200; i++) {
        const { rows } = await other.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 727002 AND NOT granted");
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await other.query("COMMIT");
      await expect(mine).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/Someone else changed/) });
    } finally {
      await other.end();
    }
    invalidateTemplateCache();
    expect((await db().template.findUniqueOrThrow({ where: { id: template.id } })).displayName).toBe("Theirs");
  });

  it("suggests the categories in use, each with its subcategories", async () => {
    await createLaunchTemplate("notebook", { category: "data science,notebooks" });
    await createLaunchTemplate("sql", { category: "data science, sql" });
    const categories = await listTemplateCategories(admin);
    expect(categories).toContainEqual({ category: "data science", subcategories: ["notebooks", "sql"] });
    expect(categories).toContainEqual({ category: "learning", subcategories: ["linux"] });
    expect(categories.map((c) => c.category)).toEqual([...categories.map((c) => c.category)].sort((a, b) => a.localeCompare(b)));
  });

  it("gives the form the settings and the default quota", async () => {
    const detail = await getTemplateDetail(admin, { name: "shell" });
    expect(detail.defaultQuota).toBe(5);
    expect(detail.settings satisfies TemplateSettings).toMatchObject({ displayName: "Linux Shell", maxInstancesPerUser: null, connectionType: "web" });
  });
});
