/**
 * lib/templates — everything about a template's deployable spec, pure and free of I/O.
 *
 * Built on maintained libraries, each for what it does best:
 * - LiquidJS (render.ts): the values template language. Strict variables and filters, per-output escaping
 *   hooks, and limits on template size, render time and memory; no file access once its include/render
 *   tags are disabled.
 * - yaml (render.ts): parses the rendered values, supports the `!cel` custom tag, limits alias expansion and
 *   rejects duplicate keys. Values are inserted into the parsed scalars, never into YAML text (see render.ts).
 * - Ajv (parameters.ts): JSON Schema validation of launch parameters, with defaults applied.
 * - @marcbachmann/cel-js (cel.ts): Common Expression Language for `!cel` values; no dependencies, typed errors.
 * - diff (services/templates/diff-template-versions.ts): unified diffs between versions.
 * - zod (spec.ts, spec-form.ts): shape and limits of specs and forms.
 *
 * Flow: spec.ts (shape) → inheritance.ts (chain, composed spec) → parameters.ts (validate input) →
 * render.ts per layer → merge.ts (root first) → cel.ts; context.ts builds what a template sees and
 * compose.ts ties these together for launches, pool members, previews and validation; checksum.ts
 * identifies versions.
 *
 * Template files (template-file.ts): yaml-source.ts reads one with limits and keeps every value's line,
 * dploy.ts maps a DployTemplate (go-template.ts turns its Go templates into Liquid and back), envdeck-yaml.ts
 * is Envdeck's own format; starters.ts holds what a new template can start from.
 */
export { checkCelSyntax, evaluateCel, type CelScope } from "./cel";
export { canonicalJson, specChecksum } from "./checksum";
export { renderChain, renderFor, sampleParameters, validateChain, type RenderableTemplate, type RenderedInstance, type ValidationScope } from "./compose";
export { buildInstanceScope, NO_INSTANCE_UUID, VALIDATION_USER, type InstanceScope, type InstanceScopeInput, type ScopeUser } from "./context";
export { TemplateError, formatIssue, type TemplateIssue } from "./errors";
export { composeSpec, resolveChain, type ComposedSpec, type TemplateLayer } from "./inheritance";
export { DEFAULT_STRATEGIES, mergeLayers, mergeValues, type MergeStrategy, type StrategyTable } from "./merge";
export { assertParameterSchema, coerceParameterStrings, describeParameters, toParameterSchema, validateParameters, type ParameterField } from "./parameters";
export { CelExpression, checkValuesTemplate, renderValues, type RenderContext } from "./render";
export { versionSpecSchema, type ChartSource, type VersionSpec } from "./spec";
export { checkTemplateFile, readTemplateFile, writeTemplateFile, type TemplateFile, type TemplateFileFormat } from "./template-file";
export { findStarter, STARTERS, starterDraft, type Starter, type StarterId } from "./starters";
