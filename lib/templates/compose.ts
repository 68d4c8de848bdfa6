import { evaluateCel, SYNTHETIC_SCOPE, type CelScope } from "./cel";
import { buildRenderContext } from "./context";
import { TemplateError, type TemplateIssue } from "./errors";
import { composeSpec, type ComposedSpec, type TemplateLayer } from "./inheritance";
import { DEFAULT_STRATEGIES, mergeLayers, type StrategyTable } from "./merge";
import { assertParameterSchema, describeParameters } from "./parameters";
import { checkValuesTemplate, renderValues, type RenderContext } from "./render";

/**
 * From a template chain to final Helm values: render each layer's values template against the same context,
 * merge the results root first, then evaluate `!cel` scalars. The same path serves launches, previews and
 * validation, so a template that validates renders the way it will launch.
 */
export async function renderChain(
  composed: ComposedSpec,
  context: RenderContext,
  scope: CelScope,
  strategies: StrategyTable = DEFAULT_STRATEGIES,
): Promise<Record<string, unknown>> {
  const layers: Record<string, unknown>[] = [];
  for (const { template, source } of composed.valuesTemplates) {
    layers.push(await renderValues(source, context, `${template}: valuesTemplate`));
  }
  const merged = (mergeLayers(layers, strategies) ?? {}) as Record<string, unknown>;
  return evaluateCel(merged, scope);
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

/** A context for validating and previewing without a real instance. */
export function syntheticContext(composed: ComposedSpec, templateName: string, method: "on_demand" | "pool"): RenderContext {
  const pool = method === "pool";
  return buildRenderContext({
    owner: pool ? null : "validation-user",
    uuid: "00000000",
    host: `${templateName}-00000000.validation.invalid`,
    url: `https://${templateName}-00000000.validation.invalid`,
    namespace: `validation-${templateName}-00000000`,
    template: { name: templateName, version: 0, displayName: templateName },
    parameterNames: describeParameters(composed.parameters).map((f) => f.name),
    params: sampleParameters(composed.parameters),
    exposedClaims: [],
    claims: {},
    configValues: {},
  });
}

/**
 * Every check a template must pass before it is saved, and again at start-up: parameter schema, template
 * syntax and variables (no per-user variables in pool templates), and a full render with CEL against a
 * synthetic scope. Throws one TemplateError with every issue found.
 */
export async function validateChain(chain: TemplateLayer[], method: "on_demand" | "pool"): Promise<ComposedSpec> {
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
  if (issues.length === 0 && composed) {
    const leaf = chain.at(-1)!;
    try {
      await renderChain(composed, syntheticContext(composed, leaf.name, method), SYNTHETIC_SCOPE);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new TemplateError("policy", issues);
  return composed!;
}
