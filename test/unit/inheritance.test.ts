import { describe, expect, it } from "vitest";
import { renderFor, sampleParameters, validateChain, type ValidationScope } from "@/lib/templates/compose";
import { NO_INSTANCE_UUID, VALIDATION_USER } from "@/lib/templates/context";
import { TemplateError } from "@/lib/templates/errors";
import { composeSpec, resolveChain, type TemplateLayer } from "@/lib/templates/inheritance";
import type { VersionSpec } from "@/lib/templates/spec";

function layer(name: string, spec: Partial<VersionSpec>, isBase = false): TemplateLayer {
  return {
    name,
    isBase,
    spec: { chart: { type: "helm", repoUrl: "https://charts.example", chart: name }, valuesTemplate: "", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "", ...spec },
  };
}

const scope: ValidationScope = { settings: { baseDomain: "validation.invalid", connectionUrlTemplate: null, values: {} }, exposedClaims: [] };

const library = new Map<string, TemplateLayer>([
  [
    "base",
    layer(
      "base",
      {
        valuesTemplate: "ingress:\n  host: {{ host }}\nresources:\n  cpu: '1'\n  memory: 1Gi\nenv:\n  - name: TZ\n    value: UTC\n",
        valueFiles: ["values/common.yaml"],
        parameters: { type: "object", properties: { tz: { type: "string", default: "UTC" } } },
        connectionUrlTemplate: "https://{{ host }}/",
        ownerClaim: "preferred_username",
      },
      true,
    ),
  ],
  [
    "python",
    layer("python", {
      extends: "base",
      valuesTemplate: "resources:\n  memory: 4Gi\nenv:\n  - name: TZ\n    value: {{ params.tz }}\n  - name: LANG\n    value: C.UTF-8\n",
      valueFiles: ["values/python.yaml", "values/common.yaml"],
      parameters: [{ name: "version", default: "3.12", required: true }],
    }),
  ],
  ["loop-a", layer("loop-a", { extends: "loop-b" })],
  ["loop-b", layer("loop-b", { extends: "loop-a" })],
  ["orphan", layer("orphan", { extends: "ghost" })],
]);
const lookup = (name: string) => library.get(name);

describe("resolveChain", () => {
  it("returns the chain root first", () => {
    expect(resolveChain("python", lookup).map((l) => l.name)).toEqual(["base", "python"]);
  });

  it("rejects cycles, naming them", () => {
    expect(() => resolveChain("loop-a", lookup)).toThrow("extends forms a cycle: loop-a → loop-b → loop-a");
  });

  it("rejects unknown parents and templates", () => {
    expect(() => resolveChain("orphan", lookup)).toThrow('"orphan" extends "ghost", which does not exist');
    expect(() => resolveChain("ghost", lookup)).toThrow('template "ghost" does not exist');
  });

  it("rejects chains longer than 10", () => {
    const long = new Map(Array.from({ length: 12 }, (_, i) => [`t${i}`, layer(`t${i}`, i < 11 ? { extends: `t${i + 1}` } : {})]));
    expect(() => resolveChain("t0", (n) => long.get(n))).toThrow(/at most 10/);
  });
});

describe("composeSpec", () => {
  it("inherits what the child leaves unset and does not inherit the base flag", () => {
    const chain = resolveChain("python", lookup);
    const composed = composeSpec(chain);
    expect(composed.chart).toEqual({ type: "helm", repoUrl: "https://charts.example", chart: "python" });
    expect(composed.valueFiles).toEqual(["values/common.yaml", "values/python.yaml"]);
    expect(composed.connectionUrlTemplate).toBe("https://{{ host }}/");
    expect(composed.ownerClaim).toBe("preferred_username");
    expect(composed.parameters).toEqual({
      type: "object",
      properties: { tz: { type: "string", default: "UTC" }, version: { type: "string", default: "3.12" } },
      required: ["version"],
    });
    expect(chain.at(-1)?.isBase).toBe(false);
  });

  it("renders every layer and merges the values root first", async () => {
    const composed = composeSpec(resolveChain("python", lookup));
    const template = { name: "python", displayName: "Python", labels: {}, annotations: {}, connectionType: "web" as const, connectionMessageTemplate: "", latest: { version: 1 }, composed, settings: scope.settings };
    const { values } = await renderFor(template, {
      owner: { user: VALIDATION_USER, ownerKey: "validation-user" },
      params: { tz: "Europe/Paris", version: "3.12" },
      uuid: NO_INSTANCE_UUID,
      exposedClaims: [],
    });
    expect(values).toEqual({
      ingress: { host: "python-00000000.validation.invalid" },
      resources: { cpu: "1", memory: "4Gi" },
      env: [
        { name: "TZ", value: "Europe/Paris" },
        { name: "LANG", value: "C.UTF-8" },
      ],
    });
  });
});

describe("validateChain", () => {
  it("accepts a valid chain", async () => {
    await expect(validateChain(resolveChain("python", lookup), "on_demand", scope)).resolves.toBeDefined();
  });

  it("collects every problem of a broken template", async () => {
    const broken = layer("broken", {
      valuesTemplate: "a: {{ owner }}\nb: {{ parms.x }}\n",
      parameters: { type: "object", properties: { n: { type: "integer", minimum: 3, default: 1 } } },
    });
    try {
      await validateChain([broken], "pool", scope);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      const messages = (error as TemplateError).issues.map((i) => `${i.path}: ${i.message}`);
      expect(messages).toContainEqual("parameters.properties.n.default: does not satisfy its own rules");
      expect(messages.some((m) => m.includes('pool templates cannot use "owner"'))).toBe(true);
      expect(messages.some((m) => m.includes('unknown variable "parms"'))).toBe(true);
    }
  });

  it("finds render-time errors with the synthetic scope: CEL type errors and invalid YAML", async () => {
    await expect(validateChain([layer("cel", { valuesTemplate: "a: !cel 'user.name * 2'\n" })], "on_demand", scope)).rejects.toThrow(/values\.a: CEL: no such overload/);
    await expect(validateChain([layer("yaml", { valuesTemplate: "a: [1\n" })], "on_demand", scope)).rejects.toThrow(/not valid YAML/);
  });
});

describe("sampleParameters", () => {
  it("uses defaults, then enums, then typed samples", () => {
    expect(
      sampleParameters({
        type: "object",
        properties: { a: { type: "string", default: "d" }, b: { type: "string", enum: ["x", "y"] }, c: { type: "integer", minimum: 5 }, d: { type: "boolean" }, e: { type: "string", minLength: 10 } },
      }),
    ).toEqual({ a: "d", b: "x", c: 5, d: false, e: "samplexxxx" });
  });
});

describe("composed parameters", () => {
  it("let a child replace a parameter whole: its own enum, not both lists", () => {
    const base = layer("p-base", { parameters: { type: "object", properties: { size: { type: "string", enum: ["s", "m"], default: "s" } }, required: ["size"] } }, true);
    const child = layer("p-child", { extends: "p-base", parameters: { type: "object", properties: { size: { type: "string", enum: ["m", "l"], default: "m" }, x: { type: "integer" } }, required: ["x"] } });
    const lookup = (n: string) => ({ "p-base": base, "p-child": child })[n];
    const composed = composeSpec(resolveChain("p-child", lookup));
    expect(composed.parameters).toEqual({
      type: "object",
      properties: { size: { type: "string", enum: ["m", "l"], default: "m" }, x: { type: "integer" } },
      required: ["size", "x"],
    });
  });
});
