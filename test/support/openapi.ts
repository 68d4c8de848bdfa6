import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";

/**
 * Checks real API responses against the OpenAPI document the portal serves: the status must be one the
 * operation lists, and the JSON body must validate against the schema the document gives for that status
 * (JSON Schema 2020-12, the dialect of OpenAPI 3.1), its `$ref`s resolved within the document. Records which
 * (operation, status) pairs were seen, so a test can require that each documented answer was checked once.
 */

type Json = Record<string, unknown>;

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DocumentedResponse {
  status: number;
  text: string;
  body: unknown;
}

export function openApiChecker(document: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat("date-time", (value: string) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));
  ajv.addFormat("uuid", UUID);
  const validators = new Map<string, ValidateFunction>();
  const seen = new Set<string>();

  const resolve = (value: unknown): Json => {
    let node = value as Json;
    while (node && typeof node.$ref === "string") {
      node = (node.$ref as string)
        .slice(2)
        .split("/")
        .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], document) as Json;
    }
    return node;
  };

  function operation(path: string, method: string): Json {
    const operation = ((document.paths as Json)[path] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
    if (!operation) throw new Error(`${method} ${path} is not in the document`);
    return operation;
  }

  /** Problems of `response` as an answer of `method path`, as sentences; empty when it is documented. */
  function problems(path: string, method: string, response: DocumentedResponse): string[] {
    const where = `${method} ${path} ${response.status}`;
    const documented = (operation(path, method).responses as Json)[String(response.status)];
    if (!documented) return [`${where}: the status is not documented`];
    seen.add(`${method} ${path} ${response.status}`);
    const schema = (resolve(documented).content as Json | undefined)?.["application/json"] as Json | undefined;
    if (!schema) return response.text === "" ? [] : [`${where}: documented without a body, but has one`];
    let validate = validators.get(where);
    if (!validate) {
      // The document's components travel with the schema, so its "#/components/…" references resolve.
      validate = ajv.compile({ ...(schema.schema as Json), components: document.components });
      validators.set(where, validate);
    }
    if (validate(response.body)) return [];
    return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || "body"} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** The documented (method, path, status) answers of the operations under `prefix` not seen yet. */
  function unseen(prefix: string): string[] {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(document.paths as Json)) {
      if (!path.startsWith(prefix)) continue;
      for (const [method, op] of Object.entries(item as Json)) {
        if (method === "parameters") continue;
        for (const status of Object.keys((op as Json).responses as Json)) {
          const key = `${method.toUpperCase()} ${path} ${status}`;
          if (!seen.has(key)) missing.push(key);
        }
      }
    }
    return missing;
  }

  return { problems, unseen };
}
