import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTemplateDraft, RESERVED_TEMPLATE_NAMES, templateNameProblem } from "@/lib/domain/template-import";
import { isNarrowed, NO_FILTER, parseTemplateListFilter, searchPatterns, templateListHref, type TemplateListFilter } from "@/lib/domain/template-list";
import { validateChain, type ValidationScope } from "@/lib/templates/compose";
import { TemplateError } from "@/lib/templates/errors";
import { STARTERS, starterDraft } from "@/lib/templates/starters";
import { USER_VARIABLES, variablesUsed } from "@/lib/templates/render";

/**
 * A new template's fields (lib/domain/template-import.ts), the starters, and the admin list's filter in the
 * URL (lib/domain/template-list.ts).
 */

const spec = { chart: { type: "helm", repoUrl: "https://charts.example.edu", chart: "lab", revision: "1.0.0" }, valuesTemplate: "", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" };

function issues(fields: Record<string, unknown>, draftSpec: unknown = spec): string[] {
  try {
    parseTemplateDraft({ fields, spec: draftSpec });
  } catch (error) {
    if (error instanceof TemplateError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe("a new template's fields", () => {
  it("take the lifetime defaults they are given for the lifetime fields they leave out, and keep those they set", () => {
    const lifetime = { ttlSeconds: -1, extendSeconds: 0, maxExtends: 0 };
    expect(parseTemplateDraft({ fields: { name: "lab", displayName: "Lab" }, spec }, lifetime).fields).toMatchObject({ ttlSeconds: -1, ttlExtendSeconds: 0, ttlMaxExtends: 0 });
    expect(parseTemplateDraft({ fields: { name: "lab", displayName: "Lab", ttlSeconds: 600 }, spec }, { ttlSeconds: 7200, extendSeconds: 900, maxExtends: 2 }).fields).toMatchObject({
      ttlSeconds: 600,
      ttlExtendSeconds: 900,
      ttlMaxExtends: 2,
    });
    // A lifetime given wrong is still refused, whatever the defaults.
    expect(() => parseTemplateDraft({ fields: { name: "lab", displayName: "Lab", ttlSeconds: "1h" }, spec }, lifetime)).toThrow(TemplateError);
  });

  it("take the defaults of the templates table", () => {
    expect(parseTemplateDraft({ fields: { name: "lab", displayName: "Lab" }, spec }).fields).toEqual({
      name: "lab",
      displayName: "Lab",
      description: "",
      icon: "default",
      category: "",
      enabled: true,
      visible: true,
      isBase: false,
      labels: {},
      annotations: {},
      engine: "flux",
      method: "on_demand",
      poolSize: 0,
      poolMaxSize: 0,
      poolRecycle: true,
      teacherAccess: false,
      poolFallback: "on_demand",
      ttlSeconds: 14400,
      ttlExtendSeconds: 3600,
      ttlMaxExtends: 3,
      maxInstancesPerUser: null,
      connectionType: "web",
      connectionMessageTemplate: "",
    });
  });

  it("refuse every bad value at once, each at its field", () => {
    expect(
      issues({
        name: "Lab!",
        displayName: " ",
        description: "x".repeat(2001),
        icon: "rocket",
        category: "a,b,c",
        enabled: "true",
        teacherAccess: "yes",
        labels: { "bad key!": "v", ok: "not a valid value!" },
        annotations: { note: "bell\u0007" },
        engine: "argocd",
        method: "warm",
        poolSize: 101,
        poolMaxSize: 1.5,
        ttlSeconds: 0,
        ttlExtendSeconds: -1,
        ttlMaxExtends: "3",
        maxInstancesPerUser: 1001,
        color: "blue",
      }),
    ).toEqual([
      "name: uses lowercase letters, digits and dashes, starting and ending with a letter or digit",
      "displayName: Enter a display name.",
      "description: At most 2000 characters.",
      "icon: Choose one of the icons.",
      "category: A category has at most one comma: category,subcategory.",
      "enabled: Use true or false.",
      "labels.bad key!: The name uses letters, digits, -, _ and ., and starts and ends with a letter or digit.",
      "labels.ok: Use letters, digits, -, _ and ., starting and ending with a letter or digit (or leave it empty).",
      "annotations.note: Use printable characters only: no line breaks or control characters.",
      "engine: must be flux: Envdeck installs every chart with Flux",
      "method: Choose on demand or warm pool.",
      "poolSize: Enter a whole number from 0 to 100.",
      "poolMaxSize: Enter a whole number.",
      "teacherAccess: Use true or false.",
      "ttlSeconds: Unlimited, or from 1 minute to 365 days.",
      "ttlExtendSeconds: Enter a whole number of seconds from 0 to 365 days.",
      "ttlMaxExtends: Enter a whole number.",
      "maxInstancesPerUser: Enter a whole number from 0 (no limit) to 1000.",
      "color: is not a template field",
    ]);
  });

  it("refuse a pool cap below the pool's size, missing fields, and spec problems under spec.", () => {
    expect(issues({ name: "lab", displayName: "Lab", method: "pool", poolSize: 5, poolMaxSize: 3 })).toEqual(["poolMaxSize: At least the pool size (5), or 0 for no limit."]);
    expect(issues({ name: "lab", displayName: "Lab", ttlExtendSeconds: 0, ttlMaxExtends: 2 })).toEqual(["ttlExtendSeconds: Give extensions a duration, or allow 0 extensions."]);
    expect(issues({ name: "lab", displayName: "Lab", ttlSeconds: 59 })).toEqual(["ttlSeconds: Unlimited, or from 1 minute to 365 days."]);
    expect(issues({ name: "lab", displayName: "Lab", connectionType: "instructions" })).toEqual(["connectionMessageTemplate: Write the instructions students see, or choose Web."]);
    expect(issues({})).toEqual(["name: is required", "displayName: Required."]);
    expect(issues({ name: "lab", displayName: "Lab" }, { chart: { type: "helm", repoUrl: "ftp://x", chart: "c" } })).toContain("spec.chart.repoUrl: a Helm repository URL starts with http:// or https://");
    expect(issues({ name: "lab", displayName: "Lab" }, null)).toEqual(["spec: Invalid input: expected object, received null"]);
  });

  it("keep markup and any language in display text, as text, and refuse control characters", () => {
    expect(issues({ name: "lab", displayName: "<img src=x onerror=alert(1)> Données 名前", description: "Line 1\nLine 2\t<b>" })).toEqual([]);
    expect(issues({ name: "lab", displayName: "Lab\nTwo lines" })).toEqual(["displayName: Use printable characters only: no line breaks or control characters."]);
    expect(issues({ name: "lab", displayName: "Lab\u0000" })).toEqual(["displayName: Use printable characters only: no line breaks or control characters."]);
    expect(issues({ name: "lab", displayName: "Lab \u202Eevil" })).toEqual(["displayName: Use printable characters only: no line breaks or control characters."]);
    expect(issues({ name: "lab", displayName: "x".repeat(101) })).toEqual(["displayName: At most 100 characters."]);
  });
});

describe("template names", () => {
  it("are lowercase letters, digits and dashes, at most 40, never reserved", () => {
    expect(templateNameProblem("web-term-2")).toBeNull();
    for (const bad of ["", "-lab", "lab-", "Lab", "la b", "lab_1", "wébterm", "ｌａｂ", "x'; DROP TABLE templates;--", "<script>", "a".repeat(41), 42, null]) {
      expect(templateNameProblem(bad), String(bad)).not.toBeNull();
    }
    for (const reserved of RESERVED_TEMPLATE_NAMES) expect(templateNameProblem(reserved)).toMatch(/reserved/);
  });
});

describe("starters", () => {
  const scope: ValidationScope = { settings: { baseDomain: "validation.invalid", connectionUrlTemplate: null, values: {} }, exposedClaims: [] };

  it("are complete templates that pass the full validation of a save", async () => {
    expect(STARTERS.map((s) => s.id)).toEqual(["blank", "webterm", "vscode", "jupyter", "postgresql"]);
    for (const starter of STARTERS) {
      const { fields, spec: checked } = parseTemplateDraft(starterDraft(starter, { name: `new-${starter.id}`, displayName: starter.title }));
      await expect(validateChain([{ name: fields.name, isBase: false, spec: checked }], fields.method, scope), starter.id).resolves.toBeDefined();
    }
  });

  it("keep the blank one out of the catalog until it is pointed at a real chart; the pool one anonymous", () => {
    expect(STARTERS.find((s) => s.id === "blank")!.fields.enabled).toBe(false);
    const jupyter = STARTERS.find((s) => s.id === "jupyter")!;
    expect(jupyter.fields.method).toBe("pool");
    for (const variable of variablesUsed(jupyter.spec.valuesTemplate)) expect(USER_VARIABLES).not.toContain(variable);
  });

  it("are copied, so a created template never shares its spec with the starter", () => {
    const draft = starterDraft(STARTERS[1]!, { name: "a", displayName: "A" });
    (draft.spec as { valueFiles: string[] }).valueFiles.push("x.yaml");
    expect(STARTERS[1]!.spec.valueFiles).toEqual([]);
  });
});

describe("the template list's filter in the URL", () => {
  const filter = fc.record<TemplateListFilter>({
    query: fc.string({ maxLength: 100 }).map((s) => s.trim()),
    state: fc.constantFrom(null, "enabled", "disabled", "invalid", "base"),
    method: fc.constantFrom(null, "on_demand", "pool"),
    category: fc.option(fc.string({ maxLength: 100 }).map((s) => s.trim()).filter((s) => s !== "-"), { nil: null }),
    owner: fc.constantFrom(null, "system", "class"),
    deleted: fc.boolean(),
  });

  it("survives being written into a URL and read back", () => {
    fc.assert(
      fc.property(filter, (f) => {
        const url = new URL(templateListHref(f), "http://envdeck.test");
        expect(parseTemplateListFilter(Object.fromEntries(url.searchParams))).toEqual(f);
      }),
    );
  });

  it("ignores what it does not understand, and cuts what is too long", () => {
    expect(parseTemplateListFilter({ state: "broken", method: ["pool", "on_demand"], owner: "<script>", deleted: "yes", q: "x".repeat(500), extra: "1" })).toEqual({
      ...NO_FILTER,
      method: "pool",
      query: "x".repeat(100),
    });
    expect(templateListHref(NO_FILTER)).toBe("/admin/templates");
    expect(isNarrowed({ ...NO_FILTER, deleted: true })).toBe(false);
    expect(isNarrowed({ ...NO_FILTER, category: "" })).toBe(true);
  });

  it("searches each word literally: LIKE's wildcards stand for themselves", () => {
    expect(searchPatterns("  100%  web_term a\\b ")).toEqual(["%100\\%%", "%web\\_term%", "%a\\\\b%"]);
    expect(searchPatterns("")).toEqual([]);
  });
});
