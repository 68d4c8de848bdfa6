import "server-only";
import type { TemplateIcon } from "@/lib/domain/catalog";
import type { z } from "zod";
import type { ClassTemplateRow } from "@/lib/db/class-templates";
import type { LibraryEntry } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import { fieldErrorsOf, type FieldErrors } from "@/lib/domain/field-errors";
import type { Identity } from "@/lib/domain/identity";
import { findNul, NUL_MESSAGE } from "@/lib/domain/text";
import { TemplateError, formatIssue } from "@/lib/templates/errors";
import { composeSpec, resolveChain } from "@/lib/templates/inheritance";
import type { VersionSpec } from "@/lib/templates/spec";
import { checkClassValuesTemplate } from "@/lib/templates/value-paths";

/**
 * What every class template use case shares: the caller's reach, input read with the schema, the checks of a
 * base and of values against its policy, the spec a class template is stored as, template problems placed at
 * the editor's fields, and the view the editor and the API read. Checks no permission itself: the use cases
 * do, first.
 */

/** A teacher reaches their own class templates; an admin every teacher's (null). */
export function scopeOf(identity: Identity): { ownerId: string | null } {
  return { ownerId: identity.roles.includes("admin") ? null : identity.userId };
}

/** Not found, whether it does not exist or belongs to someone else: the name tells nothing. */
export const classTemplateNotFound = (name: string) => new AppError("NOT_FOUND", `No class template "${String(name).slice(0, 63)}" of yours.`);

/** Input parsed by `schema`, or INVALID_INPUT with every problem at its field. NUL characters are refused by name. */
export function readClassTemplateInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const nul = findNul(input);
  if (nul) throw new AppError("INVALID_INPUT", NUL_MESSAGE, { [nul.slice(0, 80)]: ["must not contain a NUL character"] });
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new AppError("INVALID_INPUT", "Please correct the listed fields.", fieldErrorsOf(parsed.error, { unknown: "is not a field of a class template", root: "body" }));
}

/**
 * The base `name` in the library if a teacher may extend it, else INVALID_INPUT at `base` saying why: it must
 * be a live system base template an admin opened to teachers.
 */
export function requireOpenBase(library: Map<string, LibraryEntry>, name: string): LibraryEntry {
  const base = library.get(name);
  const refuse = (message: string) => new AppError("INVALID_INPUT", message, { base: [message] });
  if (!base) throw refuse(`No base template named "${name.slice(0, 63)}": choose one from the list.`);
  if (!base.isBase || base.ownerId) throw refuse(`"${name}" is not a base template: a class template extends a base an admin opened to teachers.`);
  if (!base.teacherPolicy?.extensible) throw refuse(`"${name}" is not open to teachers: an admin must allow teachers to extend it first.`);
  return base;
}

/** Refuses values that set a path the base does not open, naming it, at the `values` field. */
export function requireValuesInside(values: string, base: LibraryEntry): void {
  const issues = checkClassValuesTemplate(values, base.teacherPolicy?.valuePaths ?? []);
  if (issues.length === 0) return;
  throw new AppError("INVALID_INPUT", issues[0]!.message, { values: issues.map((issue) => issue.message) });
}

/**
 * A class template's spec: the base's chart (the nearest one of its chain), the teacher's values and
 * parameters, nothing else (no value files, owner claim or URL template of its own).
 */
export function classTemplateSpec(library: Map<string, LibraryEntry>, base: LibraryEntry, input: { values: string; parameters: unknown }): VersionSpec {
  let chart: VersionSpec["chart"];
  try {
    chart = composeSpec(resolveChain(base.name, (n) => library.get(n))).chart;
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new AppError("INVALID_INPUT", `The base "${base.name}" is broken until an administrator fixes it: ${error.message}`, { base: [error.message] });
  }
  return { chart, valuesTemplate: input.values, valueFiles: [], parameters: input.parameters, ownerClaim: "", extends: base.name };
}

/** A template problem of a class template at the editor's fields: parameters, or the values (the rest). */
export function templateProblems(error: TemplateError): AppError {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.startsWith("parameters") ? "parameters" : issue.path === "extends" ? "base" : "values";
    const where = issue.path.startsWith("parameters.") ? `${issue.path.slice("parameters.".length)}: ` : "";
    (fields[field] ??= []).push(`${where}${formatIssue({ ...issue, path: "" })}`);
  }
  const first = Object.entries(fields)[0];
  return new AppError("INVALID_INPUT", first ? `This class template cannot be saved: ${first[1][0]}` : error.message, fields);
}

/** A class template as its editor and the API read it. */
export interface ClassTemplateView {
  name: string;
  base: string;
  baseDisplayName: string | null;
  /** The base is live and open to teachers: the values and parameters can change. */
  baseOpen: boolean;
  /** The value paths the base lets it set now. */
  allowedPaths: string[];
  displayName: string;
  description: string;
  icon: TemplateIcon;
  category: string;
  parameters: unknown;
  values: string;
  /** The username of the teacher it belongs to; null when that account is gone. */
  owner: string | null;
  version: number;
  validationError: string | null;
  /** Live catalogs that list it. */
  catalogs: number;
  createdAt: Date;
  updatedAt: Date;
}

export function viewOf(row: ClassTemplateRow): ClassTemplateView {
  return {
    name: row.name,
    base: row.base,
    baseDisplayName: row.baseDisplayName,
    baseOpen: row.baseOpen,
    allowedPaths: row.allowedPaths,
    displayName: row.displayName,
    description: row.description,
    icon: row.icon,
    category: row.category,
    parameters: row.parameters,
    values: row.valuesTemplate,
    owner: row.ownerName,
    version: row.version,
    validationError: row.validationError,
    catalogs: row.catalogs,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
