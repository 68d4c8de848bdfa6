import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { loadTemplate } from "@/lib/db/templates";
import { SYSTEM_IDENTITY, type Identity } from "@/lib/domain/identity";
import { extendInstance } from "@/lib/services/instances/extend";
import { getInstance } from "@/lib/services/instances/get";
import { launchInstance } from "@/lib/services/instances/launch";
import { getLaunchPage } from "@/lib/services/instances/launch-page";
import { listInstances } from "@/lib/services/instances/list";
import { releaseInstance } from "@/lib/services/instances/release";
import { updateSettings } from "@/lib/services/settings/update-settings";
import { createTemplate } from "@/lib/services/templates/create-template";
import { previewTemplate } from "@/lib/services/templates/preview";
import { saveTemplateSpec } from "@/lib/services/templates/save-spec";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser } from "@/test/support/launch";

// Claims templates may see: the defaults plus one an identity provider would send.
process.env.ENVDECK_EXPOSED_CLAIMS = "email,name,department";
allowLaunching();
setupTestDatabase();

const chart = { type: "helm" as const, repoUrl: "https://charts.example.test", chart: "demo", revision: "1.0.0" };

describe("one loader: an owner claim inherited from a base counts everywhere", () => {
  let ann: Identity;
  let ben: Identity;
  beforeAll(async () => {
    await createTemplate(SYSTEM_IDENTITY, {
      name: "team-base",
      displayName: "Team base",
      isBase: true,
      spec: { chart, valuesTemplate: "team: {{ owner }}\n", valueFiles: [], parameters: {}, ownerClaim: "groups" },
    });
    // The concrete template leaves its own owner claim empty: "inherit".
    await createTemplate(SYSTEM_IDENTITY, {
      name: "team-lab",
      displayName: "Team lab",
      spec: { chart, valuesTemplate: "", valueFiles: [], parameters: {}, ownerClaim: "", extends: "team-base" },
    });
    ann = await createUser({ name: "ann", groups: ["team-red"] });
    ben = await createUser({ name: "ben", groups: ["team-red"] });
  });

  it("composes the base's claim into the loaded template", async () => {
    const template = await loadTemplate({ name: "team-lab" });
    expect(template.latest.spec.ownerClaim).toBe("");
    expect(template.composed?.ownerClaim).toBe("groups");
  });

  it("lets a teammate find, extend and end the group's instance by template name, and never creates a second", async () => {
    const launched = await launchInstance(ann, { template: "team-lab" });
    expect(launched).toMatchObject({ outcome: "created", environment: { owner: "team-red", shared: true } });
    const uuid = launched.environment.uuid;

    expect((await getInstance(ben, { template: "team-lab" })).uuid).toBe(uuid);
    expect((await getLaunchPage(ben, { name: "team-lab" })).existing?.uuid).toBe(uuid);
    expect(await launchInstance(ben, { template: "team-lab" })).toMatchObject({ outcome: "existing", environment: { uuid } });
    expect((await extendInstance(ben, { template: "team-lab" })).extendCount).toBe(1);
    expect((await releaseInstance(ben, { template: "team-lab" })).phase).toBe("Expiring");

    const template = await db().template.findUniqueOrThrow({ where: { name: "team-lab" } });
    expect(await db().instance.count({ where: { templateId: template.id } })).toBe(1);
  });

  it("says the same about a caller without the claim on every path: 403", async () => {
    const loner = await createUser({ name: "loner", groups: [] });
    for (const attempt of [
      () => launchInstance(loner, { template: "team-lab" }),
      () => getInstance(loner, { template: "team-lab" }),
      () => extendInstance(loner, { template: "team-lab" }),
      () => releaseInstance(loner, { template: "team-lab" }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("not in any group") });
    }
    expect((await getLaunchPage(loner, { name: "team-lab" })).existing).toBeNull();
  });
});

describe("one render context: a preview renders what the same launch stores", () => {
  let admin: Identity;
  beforeAll(async () => {
    const user = await createUser({ name: "ada", groups: ["class-1a", "chess"], roles: ["admin"] });
    // Claims as an identity provider gives them; "token" is not on the allow-list and must never be seen.
    admin = { ...user, email: "ada@example.edu", claims: { department: "physics", token: "secret-token" } };
    await updateSettings(SYSTEM_IDENTITY, { values: { storageClass: "fast", registry: { host: "registry.example.edu" } }, baseDomain: "labs.example.edu" });
    await createTemplate(SYSTEM_IDENTITY, {
      name: "course-base",
      displayName: "Course base",
      isBase: true,
      labels: { tier: "gold" },
      spec: {
        chart,
        valuesTemplate: [
          "storage: {{ config.values.storageClass }}",
          "registry: {{ config.values.registry.host }}",
          "dept: {{ claims.department | default: 'none' }}",
          "mail: {{ claims.email }}",
          "env:",
          "  - name: OWNER",
          "    value: {{ owner }}",
        ].join("\n"),
        valueFiles: [],
        parameters: { type: "object", properties: { size: { type: "string", enum: ["small", "large"], default: "small" } } },
        ownerClaim: "",
      },
    });
  });

  const valuesTemplates = fc.constantFrom(
    "size: {{ params.size }}\nnote: {{ params.note | default: 'none' }}\n",
    "host: {{ host }}\nurl: {{ url }}\nns: {{ namespace }}\n",
    "who: !cel 'user.name + \"@\" + metadata.namespace'\ngroups: !cel 'size(user.groups)'\n",
    "env:\n  - name: SIZE\n    value: {{ params.size }}\n  - name: OWNER\n    value: child-{{ owner }}\n",
    "template: {{ template.name }}-v{{ template.version }}\nuuid: {{ uuid }}\n",
  );
  const note = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 }).filter((s) => !s.includes("\u0000")));
  let templates = 0;

  it("for templates with and without a base, with claims and config values, whatever the parameters", async () => {
    await fc.assert(
      fc.asyncProperty(valuesTemplates, fc.boolean(), fc.constantFrom("small", "large"), note, fc.option(fc.constantFrom("https://{{ owner }}.{{ template.name }}.example.edu/{{ uuid }}"), { nil: undefined }), async (valuesTemplate, withBase, size, noteValue, urlTemplate) => {
        const name = `course-${++templates}`;
        await createTemplate(SYSTEM_IDENTITY, {
          name,
          displayName: `Course ${templates}`,
          annotations: { "example.edu/course": "physics" },
          spec: {
            chart,
            valuesTemplate,
            valueFiles: [],
            parameters: { type: "object", properties: { size: { type: "string", enum: ["small", "large"], default: "small" }, note: { type: "string", maxLength: 40 } } },
            ownerClaim: "",
            ...(withBase && { extends: "course-base" }),
            ...(urlTemplate && { connectionUrlTemplate: urlTemplate }),
          },
        });
        const params = { size, ...(noteValue !== undefined && { note: noteValue }) };
        const preview = await previewTemplate(admin, { name, params });
        const { environment } = await launchInstance(admin, { template: name, params });
        const stored = await db().instance.findUniqueOrThrow({ where: { uuid: environment.uuid } });
        // The one difference allowed: the preview's uuid is 00000000, the launch's its own.
        const asPreview = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(environment.uuid, "00000000"));
        expect(asPreview(stored.values)).toEqual(preview.values);
        expect(asPreview(stored.namespace)).toBe(preview.namespace);
        expect(asPreview(stored.url)).toBe(preview.url);
        expect(JSON.stringify(stored.values)).not.toContain("secret-token");
        await releaseInstance(admin, { uuid: environment.uuid });
      }),
      { numRuns: 20 },
    );
  });

  it("uses the allow-listed claims, the settings' values and base domain, and the instance's metadata in CEL", async () => {
    await createTemplate(SYSTEM_IDENTITY, {
      name: "course-meta",
      displayName: "Course meta",
      labels: { tier: "gold" },
      spec: { chart, valuesTemplate: "meta: !cel 'metadata.name + \"/\" + metadata.owner + \"/\" + metadata.labels.tier'\n", valueFiles: [], parameters: {}, ownerClaim: "", extends: "course-base" },
    });
    const preview = await previewTemplate(admin, { name: "course-meta", params: {} });
    expect(preview.values).toMatchObject({ storage: "fast", registry: "registry.example.edu", dept: "physics", mail: "ada@example.edu", meta: "course-meta/ada/gold" });
    expect(preview.namespace).toBe("ada-course-meta-00000000");
    expect(preview.url).toBe("https://course-meta-00000000.labs.example.edu/");
  });
});

describe("my environments: the limit that applies", () => {
  it("reports the default from the settings, and the templates that hold a launch to a limit of their own", async () => {
    const gil = await createUser({ name: "gil" });
    await createLaunchTemplate("solo", { maxInstancesPerUser: 1 });
    await createLaunchTemplate("roomy", {});
    await launchInstance(gil, { template: "roomy" });
    await updateSettings(SYSTEM_IDENTITY, { defaultQuota: 3 });
    const { quota } = await listInstances(gil);
    expect(quota).toMatchObject({ used: 1, limit: 3 });
    expect(quota.templates).toContainEqual({ name: "solo", displayName: "solo", limit: 1 });
    await expect(launchInstance(gil, { template: "solo" })).rejects.toMatchObject({ code: "QUOTA_EXCEEDED" });
    await updateSettings(SYSTEM_IDENTITY, { defaultQuota: null });
    expect((await listInstances(gil)).quota.limit).toBe(5);
  });
});

describe("saving clears the cached composition", () => {
  it("a launch after a base is saved renders with the new base at once", async () => {
    await createTemplate(SYSTEM_IDENTITY, {
      name: "cache-base",
      displayName: "Cache base",
      isBase: true,
      spec: { chart, valuesTemplate: "colour: red\n", valueFiles: [], parameters: {}, ownerClaim: "" },
    });
    await createTemplate(SYSTEM_IDENTITY, {
      name: "cache-child",
      displayName: "Cache child",
      spec: { chart, valuesTemplate: "", valueFiles: [], parameters: {}, ownerClaim: "", extends: "cache-base" },
    });
    const hal = await createUser({ name: "hal" });
    const first = await launchInstance(hal, { template: "cache-child" });
    await saveTemplateSpec(SYSTEM_IDENTITY, { name: "cache-base", spec: { chart, valuesTemplate: "colour: blue\n", valueFiles: [], parameters: {}, ownerClaim: "" } });
    await releaseInstance(hal, { uuid: first.environment.uuid });
    const second = await launchInstance(hal, { template: "cache-child" });
    const values = await db().instance.findUniqueOrThrow({ where: { uuid: second.environment.uuid } });
    expect(values.values).toEqual({ colour: "blue" });
    expect(second.environment.version).toBe(2);
  });
});

describe("the audit trail stores whatever it is given", () => {
  it("replaces a NUL character instead of failing the change it records", async () => {
    const { recordAudit } = await import("@/lib/db/audit");
    await recordAudit(db(), { actor: SYSTEM_IDENTITY, action: "test.nul", objectType: "test", objectId: "x", after: { note: "a\u0000b", ["k\u0000"]: 1 } });
    const entry = await db().auditEvent.findFirstOrThrow({ where: { action: "test.nul" } });
    expect(entry.after).toEqual({ note: "a\uFFFDb", "k\uFFFD": 1 });
  });
});
