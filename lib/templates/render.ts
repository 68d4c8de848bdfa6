import { randomBytes } from "node:crypto";
import type { Liquid, Template } from "liquidjs";
import { isScalar, parseDocument, Scalar, visit, type Document } from "yaml";
import { TemplateError, type TemplateIssue } from "./errors";
import { createLiquid } from "./liquid";

/**
 * Renders a template's `valuesTemplate` (Liquid syntax) into Helm values.
 *
 * Why no input can change the YAML structure: every `{{ output }}` is replaced during Liquid rendering by an
 * opaque token (letters and digits only, with a per-render random nonce). The YAML is then parsed with only
 * the tokens in it, so its structure is fixed by the template author's text alone. Only afterwards are the
 * tokens replaced, inside the parsed scalars, by the real values — as data, never as YAML text. A token that
 * is a whole plain scalar takes the value with its type (a number stays a number); anywhere else the value is
 * spliced into the string.
 */

export interface RenderContext {
  owner: string | null;
  uuid: string;
  host: string;
  url: string;
  namespace: string;
  template: { name: string; version: number; displayName: string };
  params: Record<string, unknown>;
  claims: Record<string, unknown>;
  config: { values: Record<string, unknown> };
}

export const MAX_TEMPLATE_BYTES = 256 * 1024;
export const MAX_RENDERED_BYTES = 4 * 1024 * 1024;
/** Variables that identify a user; pool members are anonymous until claimed, so pool templates may not use them. */
export const USER_VARIABLES = ["owner", "params", "claims"] as const;
export const CONTEXT_VARIABLES = ["owner", "uuid", "host", "url", "namespace", "template", "params", "claims", "config"] as const;

function createEngine(outputEscape?: (value: unknown) => string): Liquid {
  // Denial-of-service limits: template size, render time (ms) and memory (roughly, in string length).
  return createLiquid({ what: "values templates", outputEscape, parseLimit: MAX_TEMPLATE_BYTES, renderLimit: 2000, memoryLimit: 64 * 1024 * 1024 });
}

const parser = createEngine();

interface LiquidErrorLike {
  message: string;
  token?: { getPosition?: () => [number, number] };
  originalError?: Error;
}

function liquidIssue(error: unknown, path: string): TemplateIssue {
  const e = error as LiquidErrorLike;
  const [line, column] = e.token?.getPosition?.() ?? [];
  const message = (e.originalError?.message ?? e.message).replace(/, line:\d+, col:\d+$/, "").replace(/^undefined variable/, "unknown variable");
  return { path, message, ...(line !== undefined && { line, column }) };
}

/**
 * Parses template text, throwing a TemplateError with line and column for syntax errors. The output escaping
 * is attached at parse time, so a template must be parsed by the engine that renders it.
 */
export function parseValuesTemplate(source: string, path = "valuesTemplate", engine = parser): Template[] {
  if (Buffer.byteLength(source) > MAX_TEMPLATE_BYTES) {
    throw new TemplateError("size", [{ path, message: `must be at most ${MAX_TEMPLATE_BYTES / 1024} KiB` }]);
  }
  try {
    return engine.parse(source);
  } catch (error) {
    throw new TemplateError("syntax", [liquidIssue(error, path)]);
  }
}

/** The top-level context variables a template reads (owner, params, …). */
export function variablesUsed(source: string): string[] {
  return parser.globalVariablesSync(parseValuesTemplate(source));
}

/**
 * Save-time checks of a values template: syntax, only known context variables, and for pool templates none
 * of the per-user variables. Throws a TemplateError naming each problem.
 */
export function checkValuesTemplate(source: string, options: { pool: boolean }): void {
  const used = variablesUsed(source);
  const issues: TemplateIssue[] = [];
  for (const name of used) {
    if (!(CONTEXT_VARIABLES as readonly string[]).includes(name)) {
      issues.push({ path: "valuesTemplate", message: `unknown variable "${name}" (available: ${CONTEXT_VARIABLES.join(", ")})` });
    } else if (options.pool && (USER_VARIABLES as readonly string[]).includes(name)) {
      issues.push({
        path: "valuesTemplate",
        message: `pool templates cannot use "${name}": pool members are prepared before anyone claims them`,
      });
    }
  }
  if (issues.length > 0) throw new TemplateError("policy", issues);
}

/** A scalar tagged `!cel`: evaluated later, at provisioning time, by lib/templates/cel.ts. */
export class CelExpression {
  constructor(readonly expression: string) {}
}

const celTag = {
  tag: "!cel",
  resolve: (value: string) => new CelExpression(value),
  identify: (value: unknown) => value instanceof CelExpression,
};

function stringify(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Renders a values template against a context into a plain object (Helm values). Throws a TemplateError for
 * syntax errors, unknown variables, invalid YAML and oversized results.
 */
export async function renderValues(source: string, context: RenderContext, path = "valuesTemplate"): Promise<Record<string, unknown>> {
  const nonce = randomBytes(6).toString("hex");
  const outputs: unknown[] = [];
  const token = (i: number) => `EnvdeckOut${nonce}N${i}E`;
  const tokenPattern = new RegExp(`EnvdeckOut${nonce}N(\\d+)E`, "g");
  const exactToken = new RegExp(`^EnvdeckOut${nonce}N(\\d+)E$`);
  const engine = createEngine((value) => {
    outputs.push(value);
    return token(outputs.length - 1);
  });
  const templates = parseValuesTemplate(source, path, engine);

  let text: string;
  try {
    text = await engine.render(templates, context as unknown as Record<string, unknown>);
  } catch (error) {
    throw new TemplateError("render", [liquidIssue(error, path)]);
  }

  // A captured or assigned output can come back through another output: resolve tokens inside values too.
  const resolveString = (s: string, depth = 0): string =>
    depth > 8 ? s : s.replace(tokenPattern, (_, i: string) => resolveString(stringify(outputs[Number(i)]), depth + 1));
  const resolveTyped = (s: string): unknown => {
    const match = exactToken.exec(s);
    if (!match) return resolveString(s);
    const value = outputs[Number(match[1])];
    return typeof value === "string" ? resolveString(value) : value;
  };

  const document = parseDocument(text, { customTags: [celTag], uniqueKeys: true, strict: true, prettyErrors: true });
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) {
    throw new TemplateError(
      "yaml",
      problems.slice(0, 5).map((e) => ({
        path,
        message: `the rendered values are not valid YAML: ${e.message.split("\n")[0]}`,
        ...(e.linePos && { line: e.linePos[0].line, column: e.linePos[0].col }),
      })),
    );
  }
  substituteOutputs(document, tokenPattern, resolveString, resolveTyped, path);
  const values = document.toJS({ maxAliasCount: 100 }) as unknown;
  if (values === null || values === undefined) return {};
  if (typeof values !== "object" || Array.isArray(values) || values instanceof CelExpression) {
    throw new TemplateError("yaml", [{ path, message: "the rendered values must be a mapping (key: value pairs)" }]);
  }
  if (JSON.stringify(values, (_, v) => (v instanceof CelExpression ? v.expression : v)).length > MAX_RENDERED_BYTES) {
    throw new TemplateError("size", [{ path, message: `the rendered values exceed ${MAX_RENDERED_BYTES / 1024 / 1024} MiB` }]);
  }
  return values as Record<string, unknown>;
}

function substituteOutputs(
  document: Document,
  tokenPattern: RegExp,
  resolveString: (s: string) => string,
  resolveTyped: (s: string) => unknown,
  path: string,
): void {
  visit(document, {
    Scalar(key, node) {
      if (node.value instanceof CelExpression) {
        tokenPattern.lastIndex = 0;
        if (tokenPattern.test(node.value.expression)) {
          // Template output inside an expression would let input write code.
          throw new TemplateError("policy", [{ path, message: "a !cel expression cannot contain {{ }} output; use the CEL scope instead" }]);
        }
        return;
      }
      if (typeof node.value !== "string") return;
      tokenPattern.lastIndex = 0;
      if (!tokenPattern.test(node.value)) return;
      // Keys always stay strings; a whole plain value scalar takes the output's own type.
      if (key !== "key" && node.type === Scalar.PLAIN) {
        const value = resolveTyped(node.value);
        if (value !== null && typeof value === "object") return document.createNode(value);
        node.value = value === undefined ? null : value;
      } else {
        node.value = resolveString(node.value);
      }
    },
  });
  // Keys must stay strings and unique after substitution.
  visit(document, {
    Map(_key, node) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) throw new TemplateError("yaml", [{ path, message: `the rendered values repeat the key "${key}"` }]);
        seen.add(key);
      }
    },
  });
}
