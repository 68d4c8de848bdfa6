/**
 * The syntax of the value paths a base opens to teachers (`image.tag`, `env`, `resources.*`), with no
 * dependencies, so the admin's settings form checks them in the browser as the server does. What the paths
 * mean is value-paths.ts.
 */

export const MAX_VALUE_PATHS = 50;
export const MAX_VALUE_PATH_LENGTH = 200;
const MAX_SEGMENTS = 16;

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

export interface ValuePath {
  segments: string[];
  /** `a.b.*`: everything strictly below `a.b`. */
  subtree: boolean;
}

/** What is wrong with one value path as an admin types it, or null. */
export function valuePathProblem(text: string): string | null {
  if (text === "") return "Enter a path, such as image.tag or resources.*.";
  if (text.length > MAX_VALUE_PATH_LENGTH) return `A path is at most ${MAX_VALUE_PATH_LENGTH} characters.`;
  const parts = text.split(".");
  const subtree = parts.at(-1) === "*";
  const segments = subtree ? parts.slice(0, -1) : parts;
  if (segments.length === 0) return "A lone * would let teachers change every value: name the subtree, such as resources.*.";
  if (segments.length > MAX_SEGMENTS) return `A path has at most ${MAX_SEGMENTS} parts.`;
  for (const segment of segments) {
    if (segment === "") return "A path has no empty parts: check for a leading, trailing or doubled dot.";
    if (segment.includes("*")) return "* only ends a path (resources.*), as a part of its own.";
    if (!SEGMENT.test(segment)) return `"${segment}" uses letters, digits, _ and - only.`;
    if (RESERVED.has(segment)) return `"${segment}" is not a value name.`;
  }
  return null;
}

/** Problems of a whole list of paths, by position; empty when every path is fine. */
export function valuePathListProblems(paths: readonly string[]): { index: number | null; message: string }[] {
  const problems: { index: number | null; message: string }[] = [];
  if (paths.length > MAX_VALUE_PATHS) problems.push({ index: null, message: `At most ${MAX_VALUE_PATHS} paths.` });
  const seen = new Set<string>();
  paths.slice(0, MAX_VALUE_PATHS).forEach((path, index) => {
    const problem = valuePathProblem(path) ?? (seen.has(path) ? `"${path}" is listed twice.` : null);
    if (problem) problems.push({ index, message: problem });
    seen.add(path);
  });
  return problems;
}

/** Paths as typed in a text box: one a line or comma-separated, trimmed, blanks left out. */
export function splitValuePaths(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

