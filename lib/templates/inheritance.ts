import { TemplateError } from "./errors";
import { isPlainObject } from "./merge";
import { toParameterSchema } from "./parameters";
import type { VersionSpec } from "./spec";

/**
 * Templates extend other templates (usually base templates, which are never launched). A chain is resolved
 * from the child up to its root and applied root first. The base flag belongs to each template and is never
 * inherited.
 */

export interface TemplateLayer {
  name: string;
  isBase: boolean;
  spec: VersionSpec;
  /** The teacher who owns a class template; null or absent for a system template. */
  ownerId?: string | null;
  /** A base's policy for the class templates that extend it (absent: closed to teachers). */
  teacherPolicy?: TeacherPolicy;
}

/** Whether teachers may extend a base, and the value paths their class templates may set (value-paths.ts). */
export interface TeacherPolicy {
  extensible: boolean;
  valuePaths: string[];
}

/**
 * The value paths a layer's values may set: for a class template (owned by a teacher), those its parent's
 * policy allows (none when the parent is not open to teachers); null for a system template (any path).
 */
export function confinedPaths(chain: readonly TemplateLayer[], index: number): string[] | null {
  const layer = chain[index];
  if (!layer?.ownerId) return null;
  const policy = chain[index - 1]?.teacherPolicy;
  return policy?.extensible ? policy.valuePaths : [];
}

export const MAX_CHAIN = 10;

/** The chain of `name`, root first. Throws for unknown parents, cycles and over-long chains. */
export function resolveChain(name: string, lookup: (name: string) => TemplateLayer | undefined): TemplateLayer[] {
  const chain: TemplateLayer[] = [];
  const seen: string[] = [];
  let current: string | undefined = name;
  while (current) {
    if (seen.includes(current)) {
      throw new TemplateError("inheritance", [{ path: "extends", message: `extends forms a cycle: ${[...seen, current].join(" → ")}` }]);
    }
    const layer = lookup(current);
    if (!layer) {
      const message = seen.length === 0 ? `template "${current}" does not exist` : `"${seen.at(-1)}" extends "${current}", which does not exist`;
      throw new TemplateError("inheritance", [{ path: "extends", message }]);
    }
    seen.push(current);
    chain.unshift(layer);
    if (chain.length > MAX_CHAIN) {
      throw new TemplateError("inheritance", [{ path: "extends", message: `chains are at most ${MAX_CHAIN} templates long` }]);
    }
    current = layer.spec.extends;
  }
  return chain;
}

export interface ComposedSpec {
  chart: VersionSpec["chart"];
  valueFiles: string[];
  parameters: Record<string, unknown>;
  connectionUrlTemplate?: string;
  ownerClaim: string;
  /**
   * Values templates of every layer, root first: each is rendered, then the results are merged. A class
   * template's carries the paths its values may set (`confinedPaths`), checked on every render.
   */
  valuesTemplates: { template: string; source: string; valuePaths?: string[] }[];
}

/**
 * Combines a chain into one spec: the chart and URL template of the nearest layer that sets them, owner
 * claim likewise, value files appended, parameter schemas merged (child wins per parameter, required lists
 * joined).
 */
export function composeSpec(chain: TemplateLayer[]): ComposedSpec {
  const leaf = chain.at(-1);
  if (!leaf) throw new TemplateError("inheritance", [{ path: "extends", message: "empty template chain" }]);
  let parameters: Record<string, unknown> = { type: "object", properties: {} };
  for (const layer of chain) {
    const normalised = toParameterSchema(layer.spec.parameters);
    const own = isPlainObject(normalised) ? normalised : {};
    if (layer.ownerId) refuseRedeclaredParameters(layer, parameters, own);
    parameters = mergeParameterSchemas(parameters, own);
  }
  const nearest = <T>(pick: (spec: VersionSpec) => T | undefined) =>
    chain.reduce<T | undefined>((found, layer) => pick(layer.spec) || found, undefined);
  return {
    chart: leaf.spec.chart,
    valueFiles: [...new Set(chain.flatMap((layer) => layer.spec.valueFiles))],
    parameters,
    connectionUrlTemplate: nearest((spec) => spec.connectionUrlTemplate),
    ownerClaim: nearest((spec) => spec.ownerClaim) ?? "",
    valuesTemplates: chain.map((layer, i) => {
      const valuePaths = confinedPaths(chain, i);
      return { template: layer.name, source: layer.spec.valuesTemplate, ...(valuePaths && { valuePaths }) };
    }),
  };
}

/**
 * A class template declares parameters of its own only: redeclaring one of its base's would change the
 * default or the choices the base's values are rendered with, which reaches paths the base does not open.
 */
function refuseRedeclaredParameters(layer: TemplateLayer, parent: Record<string, unknown>, own: Record<string, unknown>): void {
  const parentNames = isPlainObject(parent.properties) ? Object.keys(parent.properties) : [];
  const ownNames = isPlainObject(own.properties) ? Object.keys(own.properties) : [];
  const clash = ownNames.filter((name) => parentNames.includes(name));
  if (clash.length > 0) {
    throw new TemplateError(
      "inheritance",
      clash.map((name) => ({ path: `parameters.${name}`, message: `"${name}" is a parameter of the base template; a class template adds parameters of its own only` })),
    );
  }
}

/**
 * A child's parameter schema over its parent's: each parameter the child declares replaces the parent's whole
 * (merging two `enum` lists would offer both, and a child narrowing a choice means its own list), required
 * lists are joined, and any other schema keyword of the child wins.
 */
function mergeParameterSchemas(parent: Record<string, unknown>, child: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema: Record<string, unknown>) => (isPlainObject(schema.properties) ? schema.properties : {});
  const required = (schema: Record<string, unknown>) => (Array.isArray(schema.required) ? schema.required : []);
  const merged: Record<string, unknown> = { ...parent, ...child };
  // defineProperty below keeps a parameter named "__proto__" a parameter, never a prototype change.
  const mergedProperties: Record<string, unknown> = {};
  for (const [name, schema] of [...Object.entries(properties(parent)), ...Object.entries(properties(child))]) {
    Object.defineProperty(mergedProperties, name, { value: structuredClone(schema), enumerable: true, writable: true, configurable: true });
  }
  merged.properties = mergedProperties;
  const names = [...new Set([...required(parent), ...required(child)])];
  if (names.length > 0) merged.required = names;
  return merged;
}
