import type { z } from "zod";

/** Problems by field, each path dotted (`labels.example.com/app`, `spec.chart.repoUrl`). */
export type FieldErrors = Record<string, string[]>;

/**
 * The issues of a failed zod parse as problems by field, every one of them: an unknown key is named on its own
 * (`unknown` says what it is not), a bad key of a map says what is wrong with the key, and an issue of the whole
 * input goes under `root`. Messages are the schema's own.
 */
export function fieldErrorsOf(error: z.ZodError, options: { unknown: string; root: string }): FieldErrors {
  const fields: FieldErrors = {};
  const add = (path: string, message: string) => {
    const list = (fields[path] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") for (const key of issue.keys) add(path ? `${path}.${key}` : key, options.unknown);
    else if (issue.code === "invalid_key") add(path || options.root, issue.issues[0]?.message ?? issue.message);
    else add(path || options.root, issue.message);
  }
  return fields;
}
