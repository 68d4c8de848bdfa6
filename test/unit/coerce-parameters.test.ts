import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { assertParameterSchema, coerceParameterStrings, validateParameters } from "@/lib/templates/parameters";
import { issuesOf } from "@/test/support/template-errors";

const schema = {
  type: "object",
  properties: {
    replicas: { type: "integer" },
    ratio: { type: "number" },
    debug: { type: "boolean" },
    name: { type: "string" },
  },
};


/** Coerces text input the way a query string or form arrives, then validates it. */
const coerceAndValidate = (input: Record<string, string>) => validateParameters(schema, coerceParameterStrings(schema, input));

describe("coerceParameterStrings", () => {
  it("turns numbers and booleans written the usual way into numbers and booleans", () => {
    expect(coerceParameterStrings(schema, { replicas: "2", ratio: "2.5", debug: "true", name: "lab" })).toEqual({
      replicas: 2,
      ratio: 2.5,
      debug: true,
      name: "lab",
    });
    expect(coerceParameterStrings(schema, { replicas: "-3", ratio: "0.125", debug: "false" })).toEqual({ replicas: -3, ratio: 0.125, debug: false });
    expect(coerceAndValidate({ replicas: "2", ratio: "2.5", debug: "false" })).toEqual({ replicas: 2, ratio: 2.5, debug: false });
  });

  it("gives a fraction to an integer parameter as a number, so validation says it must be an integer", () => {
    expect(coerceParameterStrings(schema, { replicas: "2.5" })).toEqual({ replicas: 2.5 });
    expect(issuesOf(() => coerceAndValidate({ replicas: "2.5" }))).toEqual([{ path: "params.replicas", message: "must be integer" }]);
  });

  it.each(["1e3", " 2", "2 ", "0x10", "0o7", "0b1", "", "NaN", "Infinity", "-Infinity", "007", "+2", "2.", ".5", "1_000", "1,000", "-", "--2", "٢", "２"])(
    "leaves %j as text, so validation reports a wrong type",
    (text) => {
      expect(coerceParameterStrings(schema, { replicas: text, ratio: text })).toEqual({ replicas: text, ratio: text });
      expect(issuesOf(() => coerceAndValidate({ replicas: text, ratio: text }))).toEqual([
        { path: "params.replicas", message: "must be integer" },
        { path: "params.ratio", message: "must be number" },
      ]);
    },
  );

  it.each(["True", "FALSE", "1", "0", "yes", "on", "", " true"])("leaves %j as text for a boolean, so validation reports a wrong type", (text) => {
    expect(coerceParameterStrings(schema, { debug: text })).toEqual({ debug: text });
    expect(issuesOf(() => coerceAndValidate({ debug: text }))).toEqual([{ path: "params.debug", message: "must be boolean" }]);
  });

  it("leaves string parameters as they are, even when they look like numbers or booleans", () => {
    for (const text of ["2", "2.5", "true", "false", "", "null"]) {
      expect(coerceParameterStrings(schema, { name: text })).toEqual({ name: text });
      expect(coerceAndValidate({ name: text })).toEqual({ name: text });
    }
  });

  it("keeps names that are not parameters, as text, for validation to refuse", () => {
    expect(coerceParameterStrings(schema, { extra: "1", constructor: "2", toString: "true" })).toEqual({ extra: "1", constructor: "2", toString: "true" });
    expect(issuesOf(() => coerceAndValidate({ extra: "1" }))).toEqual([{ path: "params.extra", message: "is not a parameter of this template" }]);
    expect(issuesOf(() => coerceAndValidate({ constructor: "1" }))).toEqual([{ path: "params.constructor", message: "is not a parameter of this template" }]);
  });

  describe("a __proto__ name", () => {
    afterEach(() => {
      delete (Object.prototype as Record<string, unknown>).polluted;
    });

    it("stays an own property that validation refuses", () => {
      const input = JSON.parse('{"__proto__": "x", "replicas": "2"}') as Record<string, string>;
      const values = coerceParameterStrings(schema, input);
      expect(Object.hasOwn(values, "__proto__")).toBe(true);
      expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
      expect(Object.keys(values)).toEqual(["__proto__", "replicas"]);
      expect(issuesOf(() => validateParameters(schema, values))).toEqual([{ path: "params.__proto__", message: "is not a parameter of this template" }]);
    });

    it("cannot pollute Object.prototype", () => {
      // Text input is typed as strings, but a parsed body can carry an object under __proto__.
      const input = JSON.parse('{"__proto__": {"polluted": "yes"}, "name": "lab"}') as Record<string, string>;
      const values = coerceParameterStrings(schema, input);
      expect(Object.hasOwn(values, "__proto__")).toBe(true);
      expect((values as { polluted?: unknown }).polluted).toBeUndefined();
      expect(issuesOf(() => validateParameters(schema, values))).toEqual([{ path: "params.__proto__", message: "is not a parameter of this template" }]);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });
  });

  it("keeps every name and either converts exactly or leaves the text", () => {
    const text = fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.double().map(String), fc.constantFrom("true", "false"));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom("replicas", "ratio", "debug", "name", "extra", "__proto__"), text), (input) => {
        const values = coerceParameterStrings(schema, input);
        expect(Object.keys(values)).toEqual(Object.keys(input));
        for (const [name, value] of Object.entries(values)) {
          const given = input[name]!;
          if (typeof value === "number") {
            expect(["replicas", "ratio"]).toContain(name);
            expect(Number.isFinite(value)).toBe(true);
            expect(value).toBe(Number(given));
          } else if (typeof value === "boolean") {
            expect(name).toBe("debug");
            expect(String(value)).toBe(given);
          } else {
            expect(value).toBe(given);
          }
        }
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  it("turns every safe integer written plainly into that integer", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        fc.pre(!Object.is(n, -0));
        expect(coerceParameterStrings(schema, { replicas: String(n) })).toEqual({ replicas: n });
      }),
      { numRuns: 2000 },
    );
  });

  it("never changes the value of an integer it converts", () => {
    for (const text of ["9007199254740993", "9999999999999999"]) {
      const value = coerceParameterStrings(schema, { replicas: text }).replicas;
      expect(value === text || String(value) === text, `${text} became ${String(value)}`).toBe(true);
    }
  });
});

describe("reserved parameter names", () => {
  it.each(["__proto__", "constructor", "prototype"])("refuses a schema declaring %s", (name) => {
    expect(() => assertParameterSchema({ type: "object", properties: { [name]: { type: "integer" } }, required: [name] })).toThrowError(/reserved/);
  });
});
