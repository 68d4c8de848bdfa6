import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderValues, type RenderContext } from "@/lib/templates/render";
import { HOSTILE_VALUES } from "../fixtures/hostile-values";

/** User input can never change the structure of the rendered values, whatever it contains. */

const template = [
  "plain: {{ params.v }}",
  'double: "{{ params.v }}"',
  "single: '{{ params.v }}'",
  "mid: pre-{{ params.v }}-post",
  "list:",
  "  - {{ params.v }}",
  "flow: [{{ params.v }}, x]",
  "nested:",
  "  k: {{ params.v }}",
  "block: |",
  "  line {{ params.v }}",
  "upper: {{ params.v | upcase }}",
  "",
].join("\n");

function context(v: unknown): RenderContext {
  return {
    owner: "alice",
    uuid: "a1b2c3d4",
    host: "h.example",
    url: "https://h.example",
    namespace: "ns",
    template: { name: "t", version: 1, displayName: "T" },
    params: { v },
    claims: {},
    config: { values: {} },
  };
}

function expected(v: string) {
  return {
    plain: v,
    double: v,
    single: v,
    mid: `pre-${v}-post`,
    list: [v],
    flow: [v, "x"],
    nested: { k: v },
    block: `line ${v}\n`,
    upper: v.toUpperCase(),
  };
}

describe("rendering hostile values", () => {
  it("has a corpus of more than 200 values", () => {
    expect(HOSTILE_VALUES.length).toBeGreaterThan(200);
  });

  const small = HOSTILE_VALUES.filter((v) => v.length < 100_000);
  const large = HOSTILE_VALUES.filter((v) => v.length >= 100_000);

  it.each(small.map((v, i) => [i, JSON.stringify(v).slice(0, 60), v] as const))("#%i %s stays a value in every position", async (_i, _label, value) => {
    expect(await renderValues(template, context(value))).toEqual(expected(value));
  });

  it.each(large.map((v) => [v.length, v] as const))("a %i-character value stays one value", async (_length, value) => {
    expect(await renderValues("a: {{ params.v }}\nb: |\n  x {{ params.v }}\n", context(value))).toEqual({ a: value, b: `x ${value}\n` });
  });

  it("refuses results over the size limit instead of producing them", async () => {
    const huge = "x".repeat(1024 * 1024);
    const manyCopies = Array.from({ length: 5 }, (_, i) => `k${i}: {{ params.v }}`).join("\n");
    await expect(renderValues(manyCopies, context(huge))).rejects.toThrow(/exceed 4 MiB/);
  });

  it("keeps any unicode string intact in every position (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 200 }), async (value) => {
        expect(await renderValues(template, context(value))).toEqual(expected(value));
      }),
      { numRuns: 300 },
    );
  });

  it("inserts any JSON value as data in a whole plain scalar (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        const rendered = await renderValues("a: {{ params.v }}\nb: 1\n", context(value));
        expect(Object.keys(rendered)).toEqual(["a", "b"]);
        expect(rendered.a).toEqual(value);
      }),
      { numRuns: 200 },
    );
  });

  it("never lets a value add, remove or rename keys, even when used as a key", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", minLength: 1, maxLength: 50 }), async (value) => {
        fc.pre(value !== "fixed");
        const rendered = await renderValues("{{ params.v }}: 1\nfixed: 2\n", context(value));
        expect(rendered).toEqual({ [value]: 1, fixed: 2 });
      }),
      { numRuns: 200 },
    );
  });
});
