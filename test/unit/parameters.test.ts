import { describe, expect, it } from "vitest";
import { assertParameterSchema, describeParameters, humanizeName, launchFormSchema, MAX_PARAMETER_STRING, toParameterSchema, validateParameters } from "@/lib/templates/parameters";
import { issuesOf } from "@/test/support/template-errors";

const schema = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 20, pattern: "^[a-z][a-z0-9-]*$", description: "Workspace name" },
    replicas: { type: "integer", minimum: 1, maximum: 5, default: 1 },
    size: { type: "string", enum: ["small", "large"], default: "small" },
    debug: { type: "boolean", default: false },
    ratio: { type: "number", exclusiveMinimum: 0, maximum: 1 },
  },
};


describe("validateParameters", () => {
  it("applies defaults and keeps given values", () => {
    expect(validateParameters(schema, { name: "lab-1", replicas: 3 })).toEqual({ name: "lab-1", replicas: 3, size: "small", debug: false });
  });

  it("does not modify the caller's object", () => {
    const input = { name: "lab" };
    validateParameters(schema, input);
    expect(input).toEqual({ name: "lab" });
  });

  it.each([
    [{}, "params.name", "is required"],
    [{ name: "" }, "params.name", "must NOT have fewer than 1 characters"],
    [{ name: "Has Space" }, "params.name", 'must match pattern "^[a-z][a-z0-9-]*$"'],
    [{ name: "a".repeat(21) }, "params.name", "must NOT have more than 20 characters"],
    [{ name: "ok", replicas: "3" }, "params.replicas", "must be integer"],
    [{ name: "ok", replicas: 2.5 }, "params.replicas", "must be integer"],
    [{ name: "ok", replicas: 0 }, "params.replicas", "must be >= 1"],
    [{ name: "ok", replicas: 6 }, "params.replicas", "must be <= 5"],
    [{ name: "ok", size: "huge" }, "params.size", "must be equal to one of the allowed values"],
    [{ name: "ok", debug: "true" }, "params.debug", "must be boolean"],
    [{ name: "ok", ratio: 0 }, "params.ratio", "must be > 0"],
    [{ name: "ok", extra: 1 }, "params.extra", "is not a parameter of this template"],
    [{ name: ["a"] }, "params.name", "must be string"],
    [{ name: { $gt: "" } }, "params.name", "must be string"],
    [{ name: "x".repeat(1_000_000) }, "params.name", "must be at most 4096 characters"],
  ])("refuses bad input naming the parameter and the rule (%#)", (input, path, message) => {
    expect(issuesOf(() => validateParameters(schema, input))).toContainEqual({ path, message });
  });

  it("reports every problem at once", () => {
    expect(issuesOf(() => validateParameters(schema, { replicas: 9, size: "x" }))).toHaveLength(3);
  });

  it.each([["a string"], [[1, 2]], [42]])("refuses params that are not an object: %j", (input) => {
    expect(issuesOf(() => validateParameters(schema, input))).toEqual([{ path: "params", message: "must be an object of parameter values" }]);
  });

  it("accepts unicode values within the rules", () => {
    const unicode = { type: "object", properties: { note: { type: "string", maxLength: 10 } } };
    expect(validateParameters(unicode, { note: "héllo 👋" })).toEqual({ note: "héllo 👋" });
  });
});

describe("assertParameterSchema", () => {
  it("accepts a supported schema", () => {
    expect(() => assertParameterSchema(schema)).not.toThrow();
    expect(() => assertParameterSchema({ type: "object", properties: {} })).not.toThrow();
  });

  it.each([
    [null, "parameters", "must be a JSON Schema object"],
    [[], "parameters", "must be a JSON Schema object"],
    [{ type: "string" }, "parameters.type", 'must be "object"'],
    [{ type: "object", properties: { a: { type: "array" } } }, "parameters.properties.a.type", "must be string, integer, number or boolean"],
    [{ type: "object", properties: { a: { type: "string", format: "email" } } }, "parameters.properties.a.format", "is not supported"],
    [{ type: "object", properties: { a: { type: "string", pattern: "([" } } }, "parameters.properties.a.pattern", "is not a valid regular expression"],
    [{ type: "object", properties: { a: { type: "string", minLength: -1 } } }, "parameters.properties.a.minLength", "must be >= 0"],
    [{ type: "object", properties: { a: { type: "integer", minimum: "1" } } }, "parameters.properties.a.minimum", "must be number"],
    [{ type: "object", properties: { "bad name": { type: "string" } } }, "parameters.properties.bad name", "names use letters, digits and _ and start with a letter or _"],
    [{ type: "object", properties: {}, required: ["ghost"] }, "parameters.required", "must list names of defined parameters"],
    [{ type: "object", properties: { a: { type: "integer", minimum: 5, default: 1 } } }, "parameters.properties.a.default", "does not satisfy its own rules"],
    [{ type: "object", properties: { a: { type: "string", enum: ["x"], default: "y" } } }, "parameters.properties.a.default", "does not satisfy its own rules"],
    [{ type: "object", $ref: "http://evil.example/schema" }, "parameters.$ref", "is not supported"],
  ])("refuses %j", (input, path, message) => {
    expect(issuesOf(() => assertParameterSchema(input))).toContainEqual({ path, message });
  });

  it("refuses more than 50 parameters", () => {
    const properties = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, { type: "string" }]));
    expect(issuesOf(() => assertParameterSchema({ type: "object", properties }))).toContainEqual({ path: "parameters.properties", message: "at most 50 parameters" });
  });
});

describe("the simple list form", () => {
  it("becomes a JSON Schema of strings", () => {
    expect(
      toParameterSchema([
        { name: "shell", description: "Login shell", default: "/bin/bash" },
        { name: "repo", required: true },
      ]),
    ).toEqual({
      type: "object",
      properties: { shell: { type: "string", description: "Login shell", default: "/bin/bash" }, repo: { type: "string" } },
      required: ["repo"],
    });
  });

  it("refuses entries without a name", () => {
    expect(issuesOf(() => toParameterSchema([{ description: "x" }]))).toEqual([{ path: "parameters[0]", message: "each parameter needs a name" }]);
  });
});

describe("describeParameters", () => {
  it("lists what a form needs, in order", () => {
    const fields = describeParameters(schema);
    expect(fields.map((f) => f.name)).toEqual(["name", "replicas", "size", "debug", "ratio"]);
    expect(fields[0]).toEqual({ name: "name", type: "string", title: "name", required: true, description: "Workspace name", minLength: 1, maxLength: 20, pattern: "^[a-z][a-z0-9-]*$" });
    expect(fields[2]).toMatchObject({ enum: ["small", "large"], default: "small", required: false });
  });
});

describe("launchFormSchema", () => {
  const schema = {
    type: "object",
    title: "Settings",
    properties: {
      name: { type: "string" },
      short: { type: "string", maxLength: 10 },
      huge: { type: "string", maxLength: 100_000 },
      cpus: { type: "integer", minimum: 1 },
    },
    required: ["name"],
  };

  it("closes the schema and caps every string at the server's limit, keeping tighter limits", () => {
    const form = launchFormSchema(schema) as { properties: Record<string, Record<string, unknown>>; additionalProperties: boolean; required: string[] };
    expect(form.additionalProperties).toBe(false);
    expect(form.required).toEqual(["name"]);
    expect(form.properties.name!.maxLength).toBe(MAX_PARAMETER_STRING);
    expect(form.properties.short!.maxLength).toBe(10);
    expect(form.properties.huge!.maxLength).toBe(MAX_PARAMETER_STRING);
    expect(form.properties.cpus).toEqual({ type: "integer", minimum: 1, title: "Cpus" });
    // The template's own schema is left as it was.
    expect(schema.properties.name).toEqual({ type: "string" });
  });

  it("labels every field: the schema's title, else the name in words", () => {
    const form = launchFormSchema({ type: "object", properties: { db_name: { type: "string" }, maxUsers: { type: "integer" }, shell: { type: "string", title: "Login shell" }, x: { type: "string", title: "  " } } }) as {
      properties: Record<string, { title: string }>;
    };
    expect(Object.values(form.properties).map((p) => p.title)).toEqual(["Db name", "Max users", "Login shell", "X"]);
    expect(humanizeName("__proto__")).toBe("Proto");
    expect(humanizeName("über-größe")).toBe("Über größe");
  });

  it("is what the server validates against: the browser and the server agree on every rule", () => {
    expect(() => validateParameters(schema, { name: "x".repeat(MAX_PARAMETER_STRING + 1) })).toThrow();
    expect(() => validateParameters(schema, { name: "ok", short: "x".repeat(11) })).toThrow();
    expect(() => validateParameters(schema, { name: "ok", extra: "1" })).toThrow();
    expect(validateParameters(schema, { name: "ok", huge: "x".repeat(MAX_PARAMETER_STRING) })).toMatchObject({ name: "ok" });
  });
});
