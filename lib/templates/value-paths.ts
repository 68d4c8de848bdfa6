import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node } from "yaml";
import type { TemplateIssue } from "./errors";
import { isPlainObject } from "./merge";
import type { ValuePath } from "./value-path-syntax";

export { MAX_VALUE_PATHS, splitValuePaths, valuePathListProblems, valuePathProblem, type ValuePath } from "./value-path-syntax";

/**
 * The value paths a class template may set: a system base's policy lists them (`image.tag`, `env`,
 * `resources.*`), and the values of a teacher's template that extends it may set nothing else.
 *
 * - `a.b` allows a value at `a.b` that is not a mapping (a scalar, null or a list, replaced or merged whole);
 *   a mapping there would set `a.b.x`, which is another path.
 * - `a.b.*` allows anything strictly below `a.b`, but not `a.b` itself (a scalar there would replace the
 *   whole subtree the base built).
 * - Mappings on the way to an allowed path are just the way there and set nothing of their own.
 *
 * Paths are compared segment by segment, never as joined text, so a key that contains a dot cannot pass
 * for a nested path; such keys are refused outright in class templates.
 */

/** Deepest nesting a class template's values may have. */
export const MAX_VALUES_DEPTH = 20;
/** Largest values template a class template may have. */
export const MAX_CLASS_VALUES_BYTES = 64 * 1024;

const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

export function parseValuePath(text: string): ValuePath {
  const parts = text.split(".");
  const subtree = parts.at(-1) === "*";
  return { segments: subtree ? parts.slice(0, -1) : parts, subtree };
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

/** Whether `paths` let a value that is not a mapping be set at `at`. */
export function allowsValueAt(paths: readonly ValuePath[], at: readonly string[]): boolean {
  return paths.some((p) => (p.subtree ? startsWith(at, p.segments) && at.length > p.segments.length : at.length === p.segments.length && startsWith(at, p.segments)));
}

/** Whether a mapping at `at` is on the way to (or inside) an allowed path, so that an empty one changes nothing else. */
function allowsMappingAt(paths: readonly ValuePath[], at: readonly string[]): boolean {
  return paths.some((p) => startsWith(p.segments, at) || (p.subtree && startsWith(at, p.segments)));
}

/** The sentence of a refused path, naming what the base allows. */
export function refusedPathMessage(at: readonly string[], allowed: readonly string[]): string {
  const list = allowed.length ? allowed.join(", ") : "none (the base lets teachers change no values)";
  return `\`${at.join(".")}\` is not one of the paths this base lets teachers change: ${list}`;
}

const keyProblem = (key: string): string | null =>
  key === ""
    ? "an empty key"
    : key.includes(".")
      ? `the key "${key.slice(0, 60)}" contains a dot; write nested keys on their own lines`
      : RESERVED.has(key)
        ? `the key "${key}" is not allowed`
        : key === "<<"
          ? "merge keys (<<) are not available in class templates"
          : null;

/**
 * Where rendered values set something outside `allowed` (at most `limit` places), as issues at `where`.
 * The render-time guard: whatever a class template's expressions turned into, the values it adds stay
 * inside the paths its base allows.
 */
export function confineValues(values: Record<string, unknown>, allowed: readonly string[], where: string, limit = 5): TemplateIssue[] {
  const paths = allowed.map(parseValuePath);
  const issues: TemplateIssue[] = [];
  const visit = (value: unknown, at: string[]): void => {
    if (issues.length >= limit) return;
    if (at.length > MAX_VALUES_DEPTH) {
      issues.push({ path: where, message: `the values nest deeper than ${MAX_VALUES_DEPTH} levels at \`${at.slice(0, 5).join(".")}…\`` });
      return;
    }
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      if (keys.length === 0 && at.length > 0 && !allowsMappingAt(paths, at)) issues.push({ path: where, message: refusedPathMessage(at, allowed) });
      for (const key of keys) {
        const problem = keyProblem(key);
        if (problem) issues.push({ path: where, message: `${problem} (at \`${[...at, key].join(".")}\`)` });
        else visit(value[key], [...at, key]);
      }
      return;
    }
    if (!allowsValueAt(paths, at)) issues.push({ path: where, message: refusedPathMessage(at, allowed) });
  };
  visit(values, []);
  return issues;
}

/** A stand-in for every `{{ }}` output while checking a class template's text; letters and digits only. */
const OUTPUT_STAND_IN = "EnvdeckClassOutput";

/**
 * Save-time checks of a class template's values template, before any render: its structure must be fixed
 * by its text alone, so that the paths it sets can be read from it. Only `{{ }}` outputs (no `{% %}` tags,
 * which could choose keys, and no whitespace control, which could join lines), one YAML document, no
 * anchors, aliases, merge keys or tags, no outputs in keys, keys without dots, at most MAX_VALUES_DEPTH
 * levels; then every value it sets must be at an allowed path. Issues name the offending path.
 */
export function checkClassValuesTemplate(source: string, allowed: readonly string[], where = "values"): TemplateIssue[] {
  if (Buffer.byteLength(source) > MAX_CLASS_VALUES_BYTES) return [{ path: where, message: `must be at most ${MAX_CLASS_VALUES_BYTES / 1024} KiB` }];
  if (/\{%/.test(source)) return [{ path: where, message: "class templates use {{ }} outputs only: tags such as {% if %} could change which paths are set" }];
  if (/\{\{-|-\}\}/.test(source)) return [{ path: where, message: "class templates cannot use whitespace control ({{- or -}}): it can join lines" }];
  const text = source.replace(/\{\{[\s\S]*?\}\}/g, OUTPUT_STAND_IN);
  if (text.includes("{{") || text.includes("}}")) return [{ path: where, message: "an output opened with {{ is not closed with }}, or the other way round" }];
  const documents = parseAllDocuments(text, { uniqueKeys: true, strict: true, customTags: [{ tag: "!cel", resolve: (value: string) => value }] });
  const list = Array.isArray(documents) ? documents : [];
  if (list.length > 1) return [{ path: where, message: "write one YAML document: no --- separators" }];
  const document = list[0];
  if (!document) return [];
  const problems = [...document.errors, ...document.warnings];
  if (problems.length) return [{ path: where, message: `not valid YAML: ${problems[0]!.message.split("\n")[0]}` }];
  const issues: TemplateIssue[] = [];
  const refuse = (message: string) => {
    if (issues.length < 5) issues.push({ path: where, message });
  };
  const paths = allowed.map(parseValuePath);
  const here = (at: string[]) => (at.length ? `\`${at.join(".")}\`` : "the top");
  // `inList`: inside a list, which is set as a whole where it stands; only the syntax is checked there.
  const walk = (node: unknown, at: string[], inList: boolean): void => {
    if (issues.length >= 5) return;
    if (at.length > MAX_VALUES_DEPTH) return refuse(`the values nest deeper than ${MAX_VALUES_DEPTH} levels`);
    if (isAlias(node)) return refuse(`anchors and aliases (*${node.source}) are not available in class templates (at ${here(at)})`);
    const n = node as Node | null;
    if (n && typeof n === "object" && n.anchor) return refuse(`anchors (&${n.anchor}) are not available in class templates (at ${here(at)})`);
    if (n && typeof n === "object" && n.tag) return refuse(`tags such as ${n.tag} are not available in class templates (at ${here(at)})`);
    if (isMap(node)) {
      if (!inList && node.items.length === 0 && at.length > 0 && !allowsMappingAt(paths, at)) return refuse(refusedPathMessage(at, allowed));
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        if (!isScalar(key) || !["string", "number", "boolean"].includes(typeof key.value)) {
          refuse(`keys are plain words in class templates (at ${here(at)})`);
          continue;
        }
        if (key.anchor || key.tag) {
          refuse(`keys take no anchors or tags in class templates (at ${here(at)})`);
          continue;
        }
        const name = String(key.value);
        if (name.includes(OUTPUT_STAND_IN)) {
          refuse(`keys cannot come from {{ }} outputs: write them out (at ${here(at)})`);
          continue;
        }
        const problem = keyProblem(name);
        if (problem) {
          refuse(`${problem} (at \`${[...at, name].join(".")}\`)`);
          continue;
        }
        const inside = [...at, name];
        if (!inList && !isMap(pair.value) && !allowsValueAt(paths, inside)) {
          refuse(refusedPathMessage(inside, allowed));
          continue;
        }
        walk(pair.value, inside, inList || isSeq(pair.value));
      }
      return;
    }
    if (isSeq(node)) {
      if (at.length === 0) return refuse("the values must be a mapping (key: value lines)");
      for (const item of node.items) walk(item, at, true);
      return;
    }
    if (at.length === 0 && isScalar(node) && node.value !== null) refuse("the values must be a mapping (key: value lines)");
  };
  walk(document.contents, [], false);
  return issues;
}
