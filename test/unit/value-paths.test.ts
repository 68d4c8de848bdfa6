import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderChain } from "@/lib/templates/compose";
import { TemplateError } from "@/lib/templates/errors";
import { composeSpec, type TemplateLayer } from "@/lib/templates/inheritance";
import { renderValues, type RenderContext } from "@/lib/templates/render";
import type { VersionSpec } from "@/lib/templates/spec";
import { allowsValueAt, checkClassValuesTemplate, confineValues, parseValuePath, splitValuePaths } from "@/lib/templates/value-paths";

const ALLOWED = ["resources.*", "image.tag", "env"];

/** The messages of checking a class template's values against ALLOWED (or `allowed`). */
function problems(source: string, allowed: string[] = ALLOWED): string[] {
  return checkClassValuesTemplate(source, allowed).map((issue) => issue.message);
}

describe("value paths", () => {
  it("reads exact paths and subtrees segment by segment", () => {
    const paths = ALLOWED.map(parseValuePath);
    expect(allowsValueAt(paths, ["image", "tag"])).toBe(true);
    expect(allowsValueAt(paths, ["image"])).toBe(false);
    expect(allowsValueAt(paths, ["image", "tag", "x"])).toBe(false);
    expect(allowsValueAt(paths, ["resources", "limits", "cpu"])).toBe(true);
    expect(allowsValueAt(paths, ["resources"])).toBe(false);
    expect(allowsValueAt(paths, ["env"])).toBe(true);
    expect(allowsValueAt(paths, ["envx"])).toBe(false);
    expect(splitValuePaths(" image.tag ,\n\nresources.*\r\n")).toEqual(["image.tag", "resources.*"]);
  });

  it("accepts values at the allowed paths, with their way there", () => {
    const source = ["image:", "  tag: {{ params.tag }}", "resources:", "  limits:", "    cpu: 500m", "    memory: 1Gi", "env:", "  - name: A", "    value: b", ""].join("\n");
    expect(problems(source)).toEqual([]);
    expect(problems("")).toEqual([]);
    expect(problems("resources: {}")).toEqual([]);
    expect(problems('image: { tag: "1.2" }')).toEqual([]);
  });

  it("names the offending path and the allowed ones", () => {
    expect(problems("securityContext:\n  privileged: true\n")).toEqual([
      "`securityContext.privileged` is not one of the paths this base lets teachers change: resources.*, image.tag, env",
    ]);
    expect(problems("image:\n  repository: evil\n")[0]).toMatch(/^`image.repository` is not one/);
    expect(problems("x: 1", [])[0]).toMatch(/none \(the base lets teachers change no values\)/);
  });

  it("tells resources from resources.*, and image.tag from image.tag.x", () => {
    expect(problems("resources: small")[0]).toMatch(/^`resources` is not one/);
    expect(problems("resources: null")[0]).toMatch(/^`resources` is not one/);
    expect(problems("resources:\n  limits: {cpu: 1}", ["resources"])[0]).toMatch(/^`resources.limits.cpu` is not one/);
    expect(problems("image:\n  tag:\n    x: 1\n")[0]).toMatch(/^`image.tag.x` is not one/);
    expect(problems("other: {}")[0]).toMatch(/^`other` is not one/);
  });

  it("refuses keys with dots, prototype names, merge keys and keys from outputs", () => {
    expect(problems('"resources.limits": 1')[0]).toMatch(/contains a dot/);
    expect(problems("resources:\n  a.b: 1")[0]).toMatch(/contains a dot/);
    expect(problems("__proto__:\n  polluted: true")[0]).toMatch(/"__proto__" is not allowed/);
    expect(problems("resources:\n  constructor: 1")[0]).toMatch(/"constructor" is not allowed/);
    expect(problems("resources:\n  prototype: 1")[0]).toMatch(/"prototype" is not allowed/);
    expect(problems("resources:\n  <<: {a: 1}")[0]).toMatch(/merge keys|anchors|not allowed/);
    expect(problems("resources:\n  {{ params.k }}: 1")[0]).toMatch(/keys cannot come from \{\{ \}\} outputs/);
    expect(problems("? [a, b]\n: 1")[0]).toMatch(/keys are plain words/);
  });

  it("refuses YAML anchors, aliases, tags and extra documents", () => {
    expect(problems("resources:\n  limits: &x {cpu: 1}\n  requests: *x")[0]).toMatch(/anchors/);
    expect(problems("image:\n  tag: !cel 'user.name'")[0]).toMatch(/tags such as !cel/);
    expect(problems("image:\n  tag: !!str 1")[0]).toMatch(/tags such as/);
    expect(problems("image:\n  tag: x\n---\nsecurityContext:\n  privileged: true")[0]).toMatch(/one YAML document/);
    expect(problems("- a\n- b")[0]).toMatch(/must be a mapping/);
    expect(problems("image: [unclosed")[0]).toMatch(/not valid YAML/);
  });

  it("refuses Liquid tags, whitespace control and unclosed outputs, which could change the structure", () => {
    expect(problems("{% if params.x %}securityContext:\n  privileged: true{% endif %}")[0]).toMatch(/outputs only/);
    expect(problems("{%- assign k = 'securityContext' -%}")[0]).toMatch(/outputs only/);
    expect(problems("image:\n  tag: x\n{{- params.v }}")[0]).toMatch(/whitespace control/);
    expect(problems("image:\n  tag: {{ params.v")[0]).toMatch(/not closed/);
  });

  it("refuses very deep nesting and huge values", () => {
    const deep = Array.from({ length: 30 }, (_, i) => `${"  ".repeat(i)}resources${i}:`).join("\n").replace(/^resources0/, "resources") + " 1";
    expect(problems(deep)[0]).toMatch(/nest deeper than 20/);
    expect(problems(`image:\n  tag: "${"x".repeat(70 * 1024)}"`)[0]).toMatch(/at most 64 KiB/);
  });

  it("never lets a value outside the allowed paths through (property)", () => {
    const key = fc.stringMatching(/^[a-z]{1,6}$/);
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 4 }), fc.integer(), (segments, value) => {
        const source = segments.map((segment, i) => `${"  ".repeat(i)}${segment}:`).join("\n") + ` ${value}`;
        const allowed = allowsValueAt(ALLOWED.map(parseValuePath), segments);
        expect(problems(source).length === 0).toBe(allowed);
      }),
    );
  });
});

function context(params: Record<string, unknown>, values: Record<string, unknown> = {}): RenderContext {
  return {
    owner: "alice",
    uuid: "a1b2c3d4",
    host: "h.example",
    url: "https://h.example",
    namespace: "ns",
    template: { name: "t", version: 1, displayName: "T" },
    params,
    claims: {},
    config: { values },
  };
}

const chart: VersionSpec["chart"] = { type: "helm", repoUrl: "https://charts.example", chart: "app" };
const spec = (valuesTemplate: string, parameters: unknown = { type: "object", properties: {} }, extendsName?: string): VersionSpec => ({
  chart,
  valuesTemplate,
  valueFiles: [],
  parameters,
  ownerClaim: "",
  ...(extendsName && { extends: extendsName }),
});

const base: TemplateLayer = {
  name: "base",
  isBase: true,
  spec: spec("image:\n  repository: safe/app\n  tag: '1.0'\nsecurityContext:\n  privileged: false\n", { type: "object", properties: { size: { type: "string", default: "s" } } }),
  ownerId: null,
  teacherPolicy: { extensible: true, valuePaths: ALLOWED },
};
const classLayer = (valuesTemplate: string, parameters?: unknown): TemplateLayer => ({ name: "mine", isBase: false, spec: spec(valuesTemplate, parameters, "base"), ownerId: "teacher-1" });

describe("class templates in a chain", () => {
  it("render the teacher's values only at the allowed paths, on every render", async () => {
    const composed = composeSpec([base, classLayer("image:\n  tag: '{{ params.tag }}'\n", { type: "object", properties: { tag: { type: "string", default: "2.0" } } })]);
    expect(composed.valuesTemplates.map((v) => v.valuePaths)).toEqual([undefined, ALLOWED]);
    const values = await renderChain(composed, { context: context({ tag: "2.0" }), cel: {} as never });
    expect(values).toEqual({ image: { repository: "safe/app", tag: "2.0" }, securityContext: { privileged: false } });
  });

  it("stop at render time an output that turned into a mapping under an exact path", async () => {
    const composed = composeSpec([base, classLayer("image:\n  tag: {{ config.values.anything }}\n")]);
    const render = renderChain(composed, { context: context({}, { anything: { x: 1 } }), cel: {} as never });
    await expect(render).rejects.toThrow(TemplateError);
    await expect(render).rejects.toThrow(/`image.tag.x` is not one of the paths/);
  });

  it("keep parameters from injecting: `}}{{`, newlines and document markers stay one string at the allowed path", async () => {
    const hostile = ["}}{{ owner }}", "x\nsecurityContext:\n  privileged: true", "---\nsecurityContext: {privileged: true}", "...\n--- !cel x", "{% raw %}"];
    const layer = classLayer("image:\n  tag: {{ params.tag }}\n", { type: "object", properties: { tag: { type: "string", default: "1" } } });
    const composed = composeSpec([base, layer]);
    for (const tag of hostile) {
      const values = await renderChain(composed, { context: context({ tag }), cel: {} as never });
      expect(values).toEqual({ image: { repository: "safe/app", tag }, securityContext: { privileged: false } });
    }
    // The same for a teacher's layer rendered on its own.
    expect(await renderValues("image:\n  tag: '{{ params.tag }}'", context({ tag: "'\nsecurityContext: {privileged: true}\n'" }))).toEqual({
      image: { tag: "'\nsecurityContext: {privileged: true}\n'" },
    });
  });

  it("confine every path, whoever wrote the layer, when its base is closed to teachers", () => {
    const closed = { ...base, teacherPolicy: { extensible: false, valuePaths: ALLOWED } };
    expect(composeSpec([closed, classLayer("image:\n  tag: x\n")]).valuesTemplates[1]!.valuePaths).toEqual([]);
    expect(confineValues({ image: { tag: "x" } }, [], "v")[0]!.message).toMatch(/^`image.tag` is not one/);
  });

  it("refuse a class template that redeclares a parameter of its base", () => {
    const clash = classLayer("image:\n  tag: x\n", { type: "object", properties: { size: { type: "string", default: "xxl" } } });
    expect(() => composeSpec([base, clash])).toThrow(/"size" is a parameter of the base template/);
  });

  it("leave system templates unconfined", async () => {
    const system: TemplateLayer = { ...classLayer("securityContext:\n  privileged: true\n"), ownerId: null };
    const composed = composeSpec([base, system]);
    expect(composed.valuesTemplates[1]!.valuePaths).toBeUndefined();
    expect(await renderChain(composed, { context: context({}), cel: {} as never })).toMatchObject({ securityContext: { privileged: true } });
  });
});
