/**
 * A class template's parameters as its editor shows them: one row each (name, label, type, default as
 * typed), to and from the JSON Schema object a template stores. Pure, so the form and its tests share it.
 * What a row cannot say (choices, bounds) is kept from the schema it came from.
 */

export const PARAMETER_TYPES = ["string", "integer", "number", "boolean"] as const;
export type ParameterRowType = (typeof PARAMETER_TYPES)[number];

export interface ParameterRow {
  name: string;
  title: string;
  type: ParameterRowType;
  /** The default as typed; empty for none. Booleans: "true" or "false". */
  default: string;
  /** Schema keywords a row does not edit (enum, minimum, maxLength …), kept as they were. */
  rest?: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** Rows of a stored schema, in its order; a property of an unknown type reads as text. */
export function rowsOfSchema(schema: unknown): ParameterRow[] {
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  return Object.entries(properties).map(([name, property]) => {
    const { type, title, default: given, ...rest } = isObject(property) ? property : {};
    return {
      name,
      title: typeof title === "string" ? title : "",
      type: (PARAMETER_TYPES as readonly unknown[]).includes(type) ? (type as ParameterRowType) : "string",
      default: given === undefined || given === null ? "" : String(given),
      ...(Object.keys(rest).length > 0 && { rest }),
    };
  });
}

/**
 * The schema of rows. A default that is not a number of a number parameter is sent as typed, for the server
 * to name; an empty default is none. Rows without a name are left out.
 */
export function schemaOfRows(rows: readonly ParameterRow[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (name === "") continue;
    const text = row.default;
    let value: unknown = undefined;
    if (text.trim() !== "") {
      if (row.type === "boolean") value = text === "true";
      else if (row.type === "integer" || row.type === "number") value = Number.isFinite(Number(text)) ? Number(text) : text;
      else value = text;
    }
    Object.defineProperty(properties, name, {
      value: { ...row.rest, type: row.type, ...(row.title.trim() && { title: row.title.trim() }), ...(value !== undefined && { default: value }) },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { type: "object", properties };
}
