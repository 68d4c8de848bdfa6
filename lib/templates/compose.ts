import { evaluateCel } from "./cel";
import { checkMessageTemplate, renderConnectionMessage, type ConnectionType } from "./connection";
import { buildInstanceScope, NO_INSTANCE_UUID, VALIDATION_USER, type InstanceScope, type InstanceScopeInput, type ScopeUser } from "./context";
import { TemplateError, type TemplateIssue } from "./errors";
import { composeSpec, type ComposedSpec, type TemplateLayer } from "./inheritance";
import { DEFAULT_STRATEGIES, mergeLayers, type StrategyTable } from "./merge";
import { assertParameterSchema, describeParameters } from "./parameters";
import { checkValuesTemplate, renderValues } from "./render";
import { confineValues } from "./value-paths";

/**
 * From a template chain to final Helm values: render each layer's values template against the same context,
 * merge the results root first, then evaluate `!cel` scalars. The same path serves launches, pool members,
 * previews and validation, so a template that validates renders the way it will launch.
 */
export async function renderChain(
  composed: ComposedSpec,
  scope: Pick<InstanceScope, "context" | "cel">,
  strategies: StrategyTable = DEFAULT_STRATEGIES,
): Promise<Record<string, unknown>> {
  const layers: Record<string, unknown>[] = [];
  for (const { template, source, valuePaths } of composed.valuesTemplates) {
    const rendered = await renderValues(source, scope.context, `${template}: valuesTemplate`);
    if (valuePaths) {
      // A class template's values, whatever its outputs turned into, stay inside the paths its base opens.
      const issues = confineValues(rendered, valuePaths, `${template}: valuesTemplate`);
      if (issues.length > 0) throw new TemplateError("policy", issues);
    }
    layers.push(rendered);
  }
  const merged = (mergeLayers(layers, strategies) ?? {}) as Record<string, unknown>;
  return evaluateCel(merged, scope.cel);
}

export interface RenderedInstance {
  namespace: string;
  url: string;
  /** How to connect, for templates whose connection type is `instructions`; null for `web`. */
  connectionMessage: string | null;
  values: Record<string, unknown>;
  valueFiles: string[];
}

/** How an instance is reached: its URL, or instructions rendered from a message template. */
export interface ConnectionSettings {
  connectionType: ConnectionType;
  connectionMessageTemplate: string;
}

/** A template as rendering needs it: display fields, its latest version number, its composition, the settings. */
export interface RenderableTemplate extends ConnectionSettings {
  name: string;
  displayName: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  latest: { version: number };
  composed: ComposedSpec;
  settings: InstanceScopeInput["settings"];
}

/**
 * Addresses and renders one instance of a template: what a launch stores, a pool member is created with, a
 * preview shows and validation checks. `owner` null renders an unclaimed pool member, which is anonymous.
 * The connection message sees the context the values see, with the final URL.
 */
export async function renderFor(
  template: RenderableTemplate,
  input: { owner: { user: ScopeUser; ownerKey: string } | null; params: Record<string, unknown>; uuid: string; exposedClaims: string[] },
): Promise<RenderedInstance> {
  const { composed } = template;
  const scope = await buildInstanceScope({
    template: { name: template.name, displayName: template.displayName, version: template.latest.version, labels: template.labels, annotations: template.annotations },
    composed,
    uuid: input.uuid,
    ownerKey: input.owner?.ownerKey ?? null,
    pooled: input.owner === null,
    user: input.owner?.user ?? null,
    params: input.params,
    exposedClaims: input.exposedClaims,
    settings: template.settings,
  });
  const values = await renderChain(composed, scope);
  const connectionMessage = template.connectionType === "instructions" ? await renderConnectionMessage(template.connectionMessageTemplate, scope.context) : null;
  return { namespace: scope.namespace, url: scope.url, connectionMessage, values, valueFiles: composed.valueFiles };
}

/** Plausible parameter values for validation: defaults, else the first allowed value, else a typed sample. */
export function sampleParameters(schema: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    describeParameters(schema).map((field) => {
      if (field.default !== undefined) return [field.name, field.default];
      if (field.enum?.length) return [field.name, field.enum[0]];
      if (field.type === "boolean") return [field.name, false];
      if (field.type === "integer" || field.type === "number") return [field.name, field.minimum ?? 1];
      return [field.name, "sample".padEnd(field.minLength ?? 0, "x")];
    }),
  );
}

/** What validation renders a template for: the settings in force and the template's own metadata. */
export interface ValidationScope {
  settings: InstanceScopeInput["settings"];
  exposedClaims: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** The template's connection; absent = `web`. */
  connection?: ConnectionSettings;
}

/**
 * Every check a template must pass before it is saved, and again at start-up: parameter schema, template
 * syntax and variables (no per-user variables in pool templates), the connection message template likewise,
 * and a full render with CEL against a synthetic scope. Throws one TemplateError with every issue found.
 */
export async function validateChain(chain: TemplateLayer[], method: "on_demand" | "pool", scope: ValidationScope): Promise<ComposedSpec> {
  const issues: TemplateIssue[] = [];
  const collect = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      issues.push(...error.issues);
    }
  };
  let composed: ComposedSpec | undefined;
  collect(() => {
    composed = composeSpec(chain);
    assertParameterSchema(composed.parameters);
  });
  for (const layer of chain) {
    collect(() => checkValuesTemplate(layer.spec.valuesTemplate, { pool: method === "pool" }));
  }
  const connection = scope.connection ?? { connectionType: "web", connectionMessageTemplate: "" };
  if (connection.connectionType === "instructions") collect(() => checkMessageTemplate(connection.connectionMessageTemplate, { pool: method === "pool" }));
  if (issues.length === 0 && composed) {
    const leaf = chain.at(-1)!;
    const template = {
      name: leaf.name,
      displayName: leaf.name,
      labels: scope.labels ?? {},
      annotations: scope.annotations ?? {},
      ...connection,
      latest: { version: 0 },
      composed,
      settings: scope.settings,
    };
    try {
      await renderFor(template, {
        owner: method === "pool" ? null : { user: VALIDATION_USER, ownerKey: VALIDATION_USER.username },
        params: sampleParameters(composed.parameters),
        uuid: NO_INSTANCE_UUID,
        exposedClaims: scope.exposedClaims,
      });
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new TemplateError("policy", issues);
  return composed!;
}
