import { Document as YamlDocument, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, visit, type Document, type Node } from "yaml";
import { TemplateError, type TemplateIssue } from "./errors";

/**
 * Reads a template file (DployTemplate or Envdeck YAML) an admin pasted or uploaded, with limits, and keeps
 * where each value was so every later complaint can name its line. Refused: more than 1 MiB, more than one
 * document, YAML errors or unknown tags, aliases beyond a small budget (an "anchor bomb" expands a few lines
 * into gigabytes), nesting deeper than any template needs, and values JSON cannot hold (binary, infinity).
 */

export const MAX_TEMPLATE_YAML_BYTES = 1024 * 1024;
/** Aliases a template file may expand; real templates use none or a handful. */
export const MAX_YAML_ALIASES = 50;
export const MAX_YAML_DEPTH = 32;

export type YamlPath = (string | number)[];

export interface YamlSource {
  /** The document as plain data: objects, arrays, strings, finite numbers, booleans and null. */
  value: Record<string, unknown>;
  /** The line of the value (or of the key, for a mapping entry) at `path`, or of its nearest ancestor that exists. */
  lineOf(path: YamlPath): number | undefined;
  /** The line where the text of a block scalar (`|`) at `path` starts, so a line inside it can be reported. */
  blockStartOf(path: YamlPath): number | undefined;
}

const fail = (message: string, line?: number, path = "yaml"): never => {
  throw new TemplateError("yaml", [{ path, message, ...(line !== undefined && { line }) }]);
};

/** Dotted form of a path for messages: `spec.parameters[0].name`. */
export function formatYamlPath(path: YamlPath): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === "number") return `${text}[${part}]`;
    // Keys such as example.com/tier are quoted, so the dots inside them are not read as steps.
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) return `${text}[${JSON.stringify(part)}]`;
    return text ? `${text}.${part}` : part;
  }, "");
}

function checkPlainData(value: unknown, path: YamlPath, depth: number, lineOf: (path: YamlPath) => number | undefined): void {
  const where = () => formatYamlPath(path) || "the document";
  if (depth > MAX_YAML_DEPTH) fail(`nests deeper than ${MAX_YAML_DEPTH} levels`, lineOf(path), formatYamlPath(path));
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail(`${where()} is not a finite number`, lineOf(path), formatYamlPath(path));
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkPlainData(item, [...path, i], depth + 1, lineOf));
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkPlainData(item, [...path, key], depth + 1, lineOf);
    return;
  }
  fail(`${where()} holds a value that is not text, a number, true/false, a list or a mapping`, lineOf(path), formatYamlPath(path));
}

function nodeAt(document: Document, path: YamlPath): Node | undefined {
  let node: unknown = document.contents;
  for (const part of path) {
    if (isMap(node)) node = node.items.find((pair) => isScalar(pair.key) && pair.key.value === part)?.value;
    else if (isSeq(node) && typeof part === "number") node = node.items[part];
    else return undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

/** Parses one template document; throws a TemplateError with the line of the first problems. */
export function readYamlSource(text: unknown): YamlSource {
  if (typeof text !== "string") fail("must be YAML text");
  const source = (text as string).replace(/^\uFEFF/, "");
  if (Buffer.byteLength(source) > MAX_TEMPLATE_YAML_BYTES) fail(`is larger than ${MAX_TEMPLATE_YAML_BYTES / 1024 / 1024} MiB`);
  if (source.trim() === "") fail("is empty: paste or upload a template");
  const lines = new LineCounter();
  const documents = parseAllDocuments(source, { lineCounter: lines, uniqueKeys: true, strict: true, prettyErrors: true, schema: "core", merge: false });
  const line = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  if (!Array.isArray(documents)) fail("is not a YAML document");
  const list = documents as Document.Parsed[];
  if (list.length === 0) fail("is empty: paste or upload a template");
  if (list.length > 1) fail("holds more than one document: import one template at a time", line(list[1]!.range[0]));
  const document = list[0]!;
  const problems: TemplateIssue[] = [...document.errors, ...document.warnings].slice(0, 5).map((problem) => ({
    path: "yaml",
    message: problem.message.split(" at line ")[0]!.split("\n")[0]!,
    ...(problem.linePos && { line: problem.linePos[0].line, column: problem.linePos[0].col }),
  }));
  if (problems.length > 0) throw new TemplateError("yaml", problems);

  let aliases = 0;
  let firstAlias: number | undefined;
  visit(document, {
    Alias(_, node) {
      aliases++;
      firstAlias ??= node.range?.[0];
    },
  });
  if (aliases > MAX_YAML_ALIASES) fail(`uses ${aliases} aliases (*name); at most ${MAX_YAML_ALIASES} are expanded`, line(firstAlias));

  let value: unknown;
  try {
    // A few aliases can still expand into a huge value (each one repeating the last): the count is capped too.
    value = document.toJS({ maxAliasCount: MAX_YAML_ALIASES * 4 });
  } catch (error) {
    fail(`cannot be read: ${(error as Error).message}`, line(firstAlias));
  }
  const lineOf = (path: YamlPath): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const parentPath = path.slice(0, n - 1);
      const key = path[n - 1];
      if (n > 0 && typeof key === "string") {
        const parent = nodeAt(document, parentPath);
        const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
        if (pair && isScalar(pair.key)) return line(pair.key.range?.[0]);
      }
      const node = nodeAt(document, path.slice(0, n));
      if (node?.range) return line(node.range[0]);
    }
    return undefined;
  };
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail("must be a mapping with apiVersion, kind, metadata and spec", 1);
  checkPlainData(value, [], 0, lineOf);
  return {
    value: value as Record<string, unknown>,
    lineOf,
    blockStartOf(path) {
      const node = nodeAt(document, path);
      if (!isScalar(node) || !node.range) return undefined;
      const header = line(node.range[0]);
      return node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED ? (header ?? 0) + 1 : header;
    },
  };
}

/** Something said about one place of an imported file: a field left out, or one read with a change. */
export interface ImportNote {
  /** Where in the file, dotted (`spec.chart.targetRevision`). */
  path: string;
  line?: number;
  message: string;
}

/** A template file mapped to a draft, before the draft's own checks. */
export interface MappedTemplate {
  draft: { fields: Record<string, unknown>; spec: Record<string, unknown> };
  /** Fields of the file that were not carried over, each with why. */
  ignored: ImportNote[];
  /** Fields carried over with a change (a default applied, Go template syntax rewritten), each with what changed. */
  adjusted: ImportNote[];
  /** Problems found while mapping (a wrong type, syntax with no Envdeck equivalent), with their lines. */
  issues: TemplateIssue[];
  /** Where each draft path came from in the file: `spec.chart.repoUrl` → `spec.chart.repoURL`. */
  origins: Record<string, YamlPath>;
}

/**
 * Collects a mapping's notes and issues with their lines, and walks mappings so that every key is either
 * handled or reported: nothing in an imported file is dropped without the admin being told why.
 */
export class FileMapper {
  readonly ignored: ImportNote[] = [];
  readonly adjusted: ImportNote[] = [];
  readonly issues: TemplateIssue[] = [];
  readonly origins: Record<string, YamlPath> = {};

  constructor(
    readonly source: YamlSource,
    private readonly unknownReason: string,
  ) {}

  private note(list: ImportNote[], path: YamlPath, message: string): void {
    const line = this.source.lineOf(path);
    list.push({ path: formatYamlPath(path), message, ...(line !== undefined && { line }) });
  }

  ignore(path: YamlPath, reason: string): void {
    this.note(this.ignored, path, reason);
  }

  adjust(path: YamlPath, message: string): void {
    this.note(this.adjusted, path, message);
  }

  issue(path: YamlPath, message: string, line = this.source.lineOf(path)): void {
    this.issues.push({ path: formatYamlPath(path), message, ...(line !== undefined && { line }) });
  }

  /** The value at `path` in the file, or undefined. */
  valueAt(path: YamlPath): unknown {
    let value: unknown = this.source.value;
    for (const part of path) value = value === null || typeof value !== "object" ? undefined : (value as Record<string | number, unknown>)[part];
    return value;
  }

  /** Records that draft path `to` comes from file path `from`, and returns the value there. */
  take(from: YamlPath, to: string): unknown {
    this.origins[to] = from;
    return this.valueAt(from);
  }

  /**
   * The mapping at `path` (null when absent), reporting a value that is not one. Each key is passed to its
   * handler; a string handler is the reason the key is ignored; keys without a handler are ignored as unknown.
   */
  walk(path: YamlPath, handlers: Record<string, string | ((value: unknown, path: YamlPath) => void)>): Record<string, unknown> | null {
    const value = this.valueAt(path);
    if (value === undefined || value === null) return null;
    if (typeof value !== "object" || Array.isArray(value)) {
      this.issue(path, "must be a mapping (key: value pairs)");
      return null;
    }
    for (const [key, item] of Object.entries(value)) {
      const handler = Object.hasOwn(handlers, key) ? handlers[key] : undefined;
      if (typeof handler === "function") handler(item, [...path, key]);
      else this.ignore([...path, key], handler ?? this.unknownReason);
    }
    return value as Record<string, unknown>;
  }

  result(draft: MappedTemplate["draft"]): MappedTemplate {
    const byLine = (a: { line?: number }, b: { line?: number }) => (a.line ?? 0) - (b.line ?? 0);
    return { draft, ignored: this.ignored.sort(byLine), adjusted: this.adjusted.sort(byLine), issues: this.issues.sort(byLine), origins: this.origins };
  }
}

/**
 * A document as the YAML text of a template file, read back exactly: text that is only spaces and line breaks
 * is written double-quoted, because the YAML writer's block style drops a leading space there (" \n" came
 * back as "\n"); and double-quoted text is written as JSON, on one line, because the writer's folded
 * double-quoted lines turned a line holding one space into a backslash ("a\n \n " came back as "a\n\\\n ").
 */
export function writeYamlText(document: unknown): string {
  const doc = new YamlDocument(document, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === "string" && node.value.includes("\n") && node.value.trim() === "") node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0, doubleQuotedAsJSON: true });
}
