import { evaluate, parse } from "@marcbachmann/cel-js";
import { isPlainObject } from "./merge";
import { CelExpression } from "./render";
import { TemplateError, type TemplateIssue } from "./errors";

/**
 * `!cel`-tagged scalars in rendered values are Common Expression Language expressions (CEL: side-effect free,
 * always terminating), evaluated at provisioning time against the scope below.
 */

export interface CelScope {
  user: { name: string; groups: string[]; email: string };
  workspace: { name: string; namespace: string; uuid: string };
  /** The instance's template, owner key and namespace, and the template's labels and annotations. */
  metadata: {
    name: string;
    version: number;
    owner: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  template: { name: string; version: number };
}

export const MAX_CEL_EXPRESSION = 4096;

/** CEL integers are BigInt; Helm values want plain JSON numbers. */
function toJson(value: unknown, path: string): unknown {
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new TemplateError("cel", [{ path, message: "the result is an integer too large for JSON" }]);
    }
    return Number(value);
  }
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v, path)]));
  if (Array.isArray(value)) return value.map((v) => toJson(v, path));
  if (value instanceof Uint8Array || typeof value === "function") {
    throw new TemplateError("cel", [{ path, message: "the result must be a string, number, boolean, list or map" }]);
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v, path)]));
  }
  return value;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}

function walk(value: unknown, path: string, visit: (expression: CelExpression, path: string) => unknown): unknown {
  if (value instanceof CelExpression) return visit(value, path);
  if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`, visit));
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(result, key, { value: walk(item, `${path}.${key}`, visit), enumerable: true, writable: true, configurable: true });
    }
    return result;
  }
  return value;
}

/** Replaces every `!cel` scalar by its value in the scope. Reports every failing expression, by path. */
export function evaluateCel(values: Record<string, unknown>, scope: CelScope): Record<string, unknown> {
  const issues: TemplateIssue[] = [];
  const result = walk(values, "values", (expression, path) => {
    if (expression.expression.length > MAX_CEL_EXPRESSION) {
      issues.push({ path, message: `CEL expressions are at most ${MAX_CEL_EXPRESSION} characters` });
      return null;
    }
    try {
      return toJson(evaluate(expression.expression, scope as unknown as Record<string, unknown>), path);
    } catch (error) {
      if (error instanceof TemplateError) issues.push(...error.issues);
      else issues.push({ path, message: `CEL: ${firstLine((error as Error).message)}` });
      return null;
    }
  });
  if (issues.length > 0) throw new TemplateError("cel", issues);
  return result as Record<string, unknown>;
}

/** Syntax check of every `!cel` scalar, for saving a template. */
export function checkCelSyntax(values: Record<string, unknown>): void {
  const issues: TemplateIssue[] = [];
  walk(values, "values", (expression, path) => {
    try {
      parse(expression.expression);
    } catch (error) {
      issues.push({ path, message: `CEL: ${firstLine((error as Error).message)}` });
    }
    return null;
  });
  if (issues.length > 0) throw new TemplateError("cel", issues);
}
