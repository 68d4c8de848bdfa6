/**
 * An error in a template or in what was given to it, phrased for the person who can fix it: it names the
 * field (`path`) and, for template text, the line and column.
 */
export type TemplateErrorKind = "schema" | "parameters" | "syntax" | "render" | "yaml" | "cel" | "inheritance" | "policy" | "size";

export interface TemplateIssue {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export class TemplateError extends Error {
  override name = "TemplateError";
  constructor(
    readonly kind: TemplateErrorKind,
    readonly issues: TemplateIssue[],
  ) {
    super(issues.map(formatIssue).join("; "));
  }
}

export function formatIssue(issue: TemplateIssue): string {
  const where = issue.line ? ` (line ${issue.line}${issue.column ? `, column ${issue.column}` : ""})` : "";
  return `${issue.path ? `${issue.path}: ` : ""}${issue.message}${where}`;
}
