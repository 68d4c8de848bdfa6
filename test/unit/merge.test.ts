import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeLayers, mergeValues, strategyFor, type StrategyTable } from "@/lib/templates/merge";

describe("mergeValues", () => {
  it("lets the child win on scalars, merges mappings and appends sequences", () => {
    const parent = { image: "base:1", resources: { cpu: "1", memory: "1Gi" }, args: ["--a"], keep: true };
    const child = { image: "child:2", resources: { memory: "4Gi", gpu: 1 }, args: ["--b"], added: "x" };
    expect(mergeValues(parent, child, {})).toEqual({
      image: "child:2",
      resources: { cpu: "1", memory: "4Gi", gpu: 1 },
      args: ["--a", "--b"],
      keep: true,
      added: "x",
    });
  });

  it("lets null clear a parent value", () => {
    expect(mergeValues({ a: { b: 1 } }, { a: null }, {})).toEqual({ a: null });
  });

  it("applies replace, union and union-by-key strategies", () => {
    const table: StrategyTable = { "spec.args": "replace", tags: "union", env: { unionBy: "name" } };
    const parent = { spec: { args: ["--a"] }, tags: ["x", "y"], env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] };
    const child = { spec: { args: ["--b"] }, tags: ["y", "z"], env: [{ name: "B", value: "3" }, { name: "C", value: "4" }, { value: "anonymous" }] };
    expect(mergeValues(parent, child, table)).toEqual({
      spec: { args: ["--b"] },
      tags: ["x", "y", "z"],
      env: [{ name: "A", value: "1" }, { name: "B", value: "3" }, { name: "C", value: "4" }, { value: "anonymous" }],
    });
  });

  it("looks strategies up by exact path, then longest suffix, then bare key", () => {
    const table: StrategyTable = { "a.b.env": "replace", "b.env": "union", env: "append", "x.y": "replace" };
    expect(strategyFor(["a", "b", "env"], table)).toBe("replace");
    expect(strategyFor(["z", "b", "env"], table)).toBe("union");
    expect(strategyFor(["z", "env"], table)).toBe("append");
    expect(strategyFor(["q", "x", "y"], table)).toBe("replace");
    expect(strategyFor(["y"], table)).toBeUndefined();
  });

  it("does not modify its inputs", () => {
    const parent = { a: [1], b: { c: 1 } };
    const child = { a: [2], b: { d: 2 } };
    const before = structuredClone([parent, child]);
    const merged = mergeValues(parent, child) as { b: Record<string, number> };
    merged.b.c = 99;
    expect([parent, child]).toEqual(before);
  });

  it("treats __proto__ keys as data", () => {
    const merged = mergeValues(JSON.parse('{"__proto__": {"polluted": 1}}'), {}) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual(["__proto__"]);
  });

  it("merges a list of layers root first", () => {
    expect(mergeLayers([{ a: 1, b: 1 }, { b: 2 }, { c: 3 }])).toEqual({ a: 1, b: 2, c: 3 });
  });
});

// Values whose shape depends only on the key, so associativity can hold: s* keys hold scalars, o* keys
// mappings, l* keys sequences.
const scalar = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean());
const shaped: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ node: Record<string, unknown> }>((tie) => ({
  node: fc.record(
    {
      s1: scalar,
      s2: scalar,
      o1: fc.oneof({ depthSize: "small" }, tie("node"), fc.constant({})),
      l1: fc.array(scalar, { maxLength: 3 }),
    },
    { requiredKeys: [] },
  ),
})).node;

function paths(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...paths(v, `${prefix}.${k}`)]);
}

describe("merge properties", () => {
  it("is associative for values of the same shape", () => {
    fc.assert(
      fc.property(shaped, shaped, shaped, (a, b, c) => {
        expect(mergeValues(mergeValues(a, b, {}), c, {})).toEqual(mergeValues(a, mergeValues(b, c, {}), {}));
      }),
    );
  });

  it("always keeps the child's scalars", () => {
    fc.assert(
      fc.property(shaped, shaped, (parent, child) => {
        const merged = mergeValues(parent, child, {}) as Record<string, unknown>;
        for (const key of ["s1", "s2"]) if (key in child) expect(merged[key]).toEqual(child[key]);
      }),
    );
  });

  it("loses nothing: every key path of either side is in the result", () => {
    fc.assert(
      fc.property(shaped, shaped, (parent, child) => {
        const merged = paths(mergeValues(parent, child, {}));
        for (const path of [...paths(parent), ...paths(child)]) expect(merged).toContain(path);
      }),
    );
  });

  it("appends sequences: the result holds the parent's items then the child's", () => {
    fc.assert(
      fc.property(fc.array(scalar), fc.array(scalar), (a, b) => {
        expect(mergeValues({ l: a }, { l: b }, {})).toEqual({ l: [...a, ...b] });
      }),
    );
  });

  it("has the empty mapping as identity", () => {
    fc.assert(
      fc.property(shaped, (a) => {
        expect(mergeValues(a, {}, {})).toEqual(a);
        expect(mergeValues({}, a, {})).toEqual(a);
      }),
    );
  });
});

describe("merging parsed !cel expressions", () => {
  it("keeps them as expressions, not as plain objects", async () => {
    const { CelExpression } = await import("@/lib/templates/render");
    const merged = mergeLayers([{ a: new CelExpression("1 + 1") }, { b: [new CelExpression("2")] }]) as Record<string, unknown>;
    expect(merged.a).toBeInstanceOf(CelExpression);
    expect((merged.b as unknown[])[0]).toBeInstanceOf(CelExpression);
  });
});
