import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { TemplateError, type TemplateIssue } from "./errors";

/**
 * Launch parameters are described by a JSON Schema (an object whose properties are the parameters) and
 * validated with Ajv. Only a subset of JSON Schema is accepted: the one a launch form can render.
 */

export type ParameterType = "string" | "integer" | "number" | "boolean";

export interface ParameterField {
  name: string;
  type: ParameterType;
  title: string;
  description?: string;
  required: boolean;
  default?: string | number | boolean;
  enum?: (string | number)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

/** The seed's simple list form: `[{ name, description, default, required }]`, all strings. */
export interface SimpleParameter {
  name: string;
  description?: string;
  default?: string;
  required?: boolean;
}

export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
export const MAX_PARAMETERS = 50;
const RESERVED_NAMES = new Set(["__proto__", "constructor", "prototype"]);
/** Longest string any parameter value may have, whatever its schema says. */
export const MAX_PARAMETER_STRING = 4096;

const PARAMETER_KEYWORDS = new Set([
  "type",
  "title",
  "description",
  "default",
  "enum",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
]);

const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: true, coerceTypes: false });

/** Converts the simple list form to JSON Schema; a schema is returned as it is. */
export function toParameterSchema(input: unknown): unknown {
  if (!Array.isArray(input)) return input;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  input.forEach((item: SimpleParameter, index) => {
    if (!item || typeof item !== "object" || typeof item.name !== "string") {
      throw new TemplateError("schema", [{ path: `parameters[${index}]`, message: "each parameter needs a name" }]);
    }
    properties[item.name] = {
      type: "string",
      ...(item.description !== undefined && { description: String(item.description) }),
      ...(item.default !== undefined && { default: String(item.default) }),
    };
    if (item.required) required.push(item.name);
  });
  return { type: "object", properties, ...(required.length > 0 && { required }) };
}

/**
 * Checks that a parameters schema is valid JSON Schema and within the supported subset. Throws a
 * TemplateError listing every problem, each with its path inside the schema.
 */
export function assertParameterSchema(input: unknown): asserts input is Record<string, unknown> {
  const issues: TemplateIssue[] = [];
  const schema = input as Record<string, unknown>;
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) {
    throw new TemplateError("schema", [{ path: "parameters", message: "must be a JSON Schema object" }]);
  }
  if (schema.type !== "object") issues.push({ path: "parameters.type", message: 'must be "object"' });
  for (const key of Object.keys(schema)) {
    if (!["type", "properties", "required", "additionalProperties", "title", "description", "$schema"].includes(key)) {
      issues.push({ path: `parameters.${key}`, message: "is not supported" });
    }
  }
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  if (typeof properties !== "object" || Array.isArray(properties)) {
    issues.push({ path: "parameters.properties", message: "must be an object" });
  } else {
    const names = Object.keys(properties);
    if (names.length > MAX_PARAMETERS) issues.push({ path: "parameters.properties", message: `at most ${MAX_PARAMETERS} parameters` });
    for (const name of names) {
      const path = `parameters.properties.${name}`;
      const property = properties[name];
      if (!PARAMETER_NAME.test(name)) issues.push({ path, message: "names use letters, digits and _ and start with a letter or _" });
      else if (RESERVED_NAMES.has(name)) issues.push({ path, message: "is reserved: JavaScript objects treat this name specially" });
      if (!property || typeof property !== "object" || Array.isArray(property)) {
        issues.push({ path, message: "must be an object" });
        continue;
      }
      if (!["string", "integer", "number", "boolean"].includes(property.type as string)) {
        issues.push({ path: `${path}.type`, message: "must be string, integer, number or boolean" });
      }
      for (const key of Object.keys(property)) {
        if (!PARAMETER_KEYWORDS.has(key)) issues.push({ path: `${path}.${key}`, message: "is not supported" });
      }
      if (typeof property.pattern === "string") {
        try {
          new RegExp(property.pattern, "u");
        } catch {
          issues.push({ path: `${path}.pattern`, message: "is not a valid regular expression" });
        }
      }
    }
  }
  const required = schema.required ?? [];
  if (!Array.isArray(required) || required.some((r) => typeof r !== "string" || !(r in properties))) {
    issues.push({ path: "parameters.required", message: "must list names of defined parameters" });
  }
  if (issues.length === 0) {
    if (!ajv.validateSchema(schema)) issues.push(...(ajv.errors ?? []).map((e) => toIssue(e, "parameters")));
    else {
      try {
        ajv.compile(schema);
      } catch (error) {
        issues.push({ path: "parameters", message: (error as Error).message });
      }
      // Defaults must satisfy their own rules, or every launch without that parameter would fail.
      for (const [name, property] of Object.entries(properties)) {
        const { default: fallback, ...rules } = property;
        if (fallback === undefined) continue;
        if (!ajv.validate(rules, fallback)) issues.push({ path: `parameters.properties.${name}.default`, message: "does not satisfy its own rules" });
      }
    }
  }
  if (issues.length > 0) throw new TemplateError("schema", issues);
}

function toIssue(error: ErrorObject, root: string): TemplateIssue {
  const path = [root, ...error.instancePath.split("/").filter(Boolean)].join(".");
  if (error.keyword === "required") {
    return { path: `${root}.${(error.params as { missingProperty: string }).missingProperty}`, message: "is required" };
  }
  if (error.keyword === "additionalProperties") {
    return { path: `${root}.${(error.params as { additionalProperty: string }).additionalProperty}`, message: "is not a parameter of this template" };
  }
  return { path, message: error.message ?? "is invalid" };
}

/** A parameter's name as a label, for schemas without a title: "db_name" → "Db name", "maxUsers" → "Max users". */
export function humanizeName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The schema a launch is checked against, in the browser's form and on the server alike: the template's
 * parameters, nothing else, and no string longer than MAX_PARAMETER_STRING.
 */
export function launchFormSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const capped = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => {
      const labelled = typeof property.title === "string" && property.title.trim() ? property : { ...property, title: humanizeName(name) };
      return [
        name,
        labelled.type === "string" && !(typeof labelled.maxLength === "number" && labelled.maxLength <= MAX_PARAMETER_STRING)
          ? { ...labelled, maxLength: MAX_PARAMETER_STRING }
          : labelled,
      ];
    }),
  );
  return { ...schema, type: "object", properties: capped, additionalProperties: false };
}

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Validates launch input against a template's parameter schema and returns the values with defaults
 * applied. Unknown parameters are refused, and strings are capped at MAX_PARAMETER_STRING whatever the
 * schema says. Throws a TemplateError naming each parameter and the rule it breaks.
 */
export function validateParameters(schema: Record<string, unknown>, input: unknown): Record<string, unknown> {
  if (input === undefined || input === null) input = {};
  if (typeof input !== "object" || Array.isArray(input)) {
    throw new TemplateError("parameters", [{ path: "params", message: "must be an object of parameter values" }]);
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(launchFormSchema(schema));
    compiled.set(schema, validate);
  }
  const values = structuredClone(input) as Record<string, unknown>;
  const issues: TemplateIssue[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "string" && value.length > MAX_PARAMETER_STRING) {
      issues.push({ path: `params.${name}`, message: `must be at most ${MAX_PARAMETER_STRING} characters` });
    }
    // The database stores no NUL character; a value holding one could never be launched with.
    if (typeof value === "string" && value.includes("\u0000")) issues.push({ path: `params.${name}`, message: "must not contain a NUL character" });
  }
  if (issues.length === 0 && !validate(values)) issues.push(...(validate.errors ?? []).map((e) => toIssue(e, "params")));
  if (issues.length > 0) throw new TemplateError("parameters", issues);
  return values;
}

/** What a launch form needs to render one input per parameter, in schema order. */
export function describeParameters(schema: Record<string, unknown>): ParameterField[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, p]) => {
    const field: ParameterField = {
      name,
      type: p.type as ParameterType,
      title: typeof p.title === "string" ? p.title : name,
      required: required.has(name),
    };
    for (const key of ["description", "default", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern"] as const) {
      if (p[key] !== undefined) (field as unknown as Record<string, unknown>)[key] = p[key];
    }
    return field;
  });
}

const NUMBER_TEXT = /^-?(0|[1-9]\d{0,15})(\.\d{1,15})?$/;

/** A number written plainly, unless JavaScript cannot hold it exactly (an integer past 2^53). */
function plainNumber(text: string): number | null {
  if (!NUMBER_TEXT.test(text)) return null;
  const value = Number(text);
  return text.includes(".") || Number.isSafeInteger(value) ? value : null;
}

/**
 * Turns text input (a query string, a form) into typed parameter values by the schema: numbers and booleans
 * written the usual way become numbers and booleans; anything else is left as text, so validation then says
 * plainly which parameter has the wrong type. Names that are not parameters are kept for validation to refuse.
 */
export function coerceParameterStrings(schema: Record<string, unknown>, input: Record<string, string>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, { type?: string }>;
  // fromEntries defines own properties, so a name like "__proto__" stays an (unknown) parameter.
  return Object.fromEntries(
    Object.entries(input).map(([name, text]) => {
      const type = Object.hasOwn(properties, name) ? properties[name]?.type : undefined;
      const number = type === "integer" || type === "number" ? plainNumber(text) : null;
      if (number !== null) return [name, number];
      if (type === "boolean" && (text === "true" || text === "false")) return [name, text === "true"];
      return [name, text];
    }),
  );
}

/**
 * The launch parameters of a request: typed values, or text (a query string, a form) typed by the schema
 * first. Validated as `validateParameters` does; throws its TemplateError.
 */
export function launchParameters(schema: Record<string, unknown>, input: unknown, options: { asText?: boolean } = {}): Record<string, unknown> {
  const typed = options.asText && input && typeof input === "object" && !Array.isArray(input) ? coerceParameterStrings(schema, input as Record<string, string>) : input;
  return validateParameters(schema, typed);
}
