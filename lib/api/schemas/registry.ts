import { isDeepStrictEqual } from "node:util";
import { z } from "zod";

/**
 * The REST API's resources, one zod schema each (lib/api/schemas/<resource>.ts): routes parse request bodies
 * and queries with them (`parseInput`), shape responses through them (`respond`), and the OpenAPI document's
 * component schemas are generated from them here. A request schema is documented as a client sends it
 * (before defaults and transforms), a response schema as the client receives it.
 */

interface Component {
  /** The name under #/components/schemas. */
  id: string;
}

const requests = z.registry<Component>();
const responses = z.registry<Component>();

/** Registers a request body or query schema under `id`; returns the schema. */
export function requestSchema<S extends z.ZodType>(id: string, schema: S): S {
  requests.add(schema, { id });
  return schema;
}

/** Registers a response schema under `id`; returns the schema. */
export function responseSchema<S extends z.ZodType>(id: string, schema: S): S {
  responses.add(schema, { id });
  return schema;
}

/** The component name of a registered schema, for a `$ref`. */
export function componentId(schema: z.ZodType): string {
  const id = responses.get(schema)?.id ?? requests.get(schema)?.id;
  if (!id) throw new Error("This schema is not an API component: register it with requestSchema or responseSchema.");
  return id;
}

/** A `$ref` to a registered schema. */
export function refTo(schema: z.ZodType): { $ref: string } {
  return { $ref: `#/components/schemas/${componentId(schema)}` };
}

/** Where generated schemas point at each other. */
const uri = (id: string) => `#/components/schemas/${id}`;

/**
 * Dates are sent as ISO 8601 text (JSON.stringify writes them so); nothing else in the API's schemas lacks a
 * JSON Schema form.
 */
function dateAsText(ctx: { zodSchema: z.core.$ZodType }): { type: "string"; format: "date-time" } | "throw" {
  return ctx.zodSchema._zod.def.type === "date" ? { type: "string", format: "date-time" } : "throw";
}

function generate(registry: typeof requests, io: "input" | "output"): Record<string, Record<string, unknown>> {
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", io, uri, unrepresentable: dateAsText });
  if ("__shared" in schemas) throw new Error("A schema is shared without being registered: register it so it can be referred to.");
  // Each is a part of the document, not a document of its own: no $schema or $id.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]));
}

/**
 * Every registered schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), by component name. A schema
 * registered both as a request and as a response must come out the same both ways.
 */
export function componentSchemas(): Record<string, Record<string, unknown>> {
  const out = generate(responses, "output");
  for (const [id, schema] of Object.entries(generate(requests, "input"))) {
    if (id in out && !isDeepStrictEqual(out[id], schema)) throw new Error(`The component "${id}" differs as a request and as a response: give each its own name.`);
    out[id] = schema;
  }
  return out;
}
