import "server-only";
import { AppError, isAppError } from "@/lib/domain/errors";
import { readSettings } from "@/lib/db/settings";
import type { Identity } from "@/lib/domain/identity";
import type { CheckedDraft, TemplateFieldValues } from "@/lib/domain/template-import";
import { TemplateError, type TemplateIssue } from "@/lib/templates/errors";
import type { VersionSpec } from "@/lib/templates/spec";
import { checkTemplateFile, readTemplateFile, type TemplateFile, type TemplateFileFormat } from "@/lib/templates/template-file";
import type { ImportNote } from "@/lib/templates/yaml-source";
import { insertTemplate } from "./insert-template";

/** What importing a template file gives: the template it makes, and what of the file was left out or changed. */
export interface ImportOutcome {
  format: TemplateFileFormat;
  fields: TemplateFieldValues;
  spec: VersionSpec;
  ignored: ImportNote[];
  adjusted: ImportNote[];
}

export interface ImportInput {
  /** The file's text, pasted or uploaded. */
  yaml: unknown;
  /** A name for the template instead of the file's metadata.name (empty: the file's). */
  name?: unknown;
}

const FORMAT_NAMES: Record<TemplateFileFormat, string> = { dploy: "a DployTemplate", envdeck: "an Envdeck template file" };

/**
 * Every problem of a file as one INVALID_INPUT: a field error per place in the file, each message ending with
 * its line, in the order of the file. A problem with the name points at the form's name field when the name
 * came from there.
 */
function fileProblems(issues: TemplateIssue[], nameFromForm: boolean, code: "INVALID_INPUT" | "CONFLICT" = "INVALID_INPUT"): AppError {
  const fields: Record<string, string[]> = {};
  const sorted = [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  for (const issue of sorted) {
    const key = nameFromForm && (issue.path === "name" || issue.path === "metadata.name") ? "name" : issue.path;
    (fields[key] ??= []).push(`${issue.message}${issue.line !== undefined && key !== "name" ? ` (line ${issue.line})` : ""}`);
  }
  const count = sorted.length;
  return new AppError(code, `This file cannot be imported: ${count} problem${count === 1 ? "" : "s"}, listed below.`, fields);
}

/**
 * Reads, checks and (unless `dryRun`) creates the template of a file, with the same checks whether it is
 * saved or only previewed, so a preview that passes is an import that succeeds (unless someone takes the name
 * meanwhile).
 */
export async function runTemplateImport(identity: Identity, input: ImportInput, dryRun: boolean): Promise<ImportOutcome> {
  const nameFromForm = typeof input?.name === "string" && input.name.trim() !== "";
  const { lifetime } = await readSettings();
  let file: TemplateFile;
  try {
    file = readTemplateFile(input?.yaml, lifetime);
  } catch (error) {
    if (error instanceof TemplateError) throw fileProblems(error.issues, false);
    throw error;
  }
  if (nameFromForm) file.draft.fields.name = (input.name as string).trim();
  let draft: CheckedDraft;
  try {
    draft = checkTemplateFile(file, lifetime);
  } catch (error) {
    if (error instanceof TemplateError) throw fileProblems(error.issues, nameFromForm);
    throw error;
  }
  try {
    await insertTemplate(identity, draft, {
      action: "template.import",
      message: `Imported from ${FORMAT_NAMES[file.format]}`,
      origin: { format: file.format, ignored: file.ignored.map((note) => note.path) },
      dryRun,
    });
  } catch (error) {
    // The full validation names the spec's fields (valuesTemplate, line 3 of it): placed in the file.
    if (error instanceof TemplateError) throw fileProblems(error.issues.map(file.locate), nameFromForm);
    // A name that is taken: said at the name field, and at metadata.name's line when the name is the file's; a
    // conflict with what exists, as every other way of creating a template reports it.
    if (isAppError(error) && error.fields?.name) throw fileProblems([file.locate({ path: "name", message: error.fields.name[0]! })], nameFromForm, error.code === "CONFLICT" ? "CONFLICT" : "INVALID_INPUT");
    throw error;
  }
  return { format: file.format, fields: draft.fields, spec: draft.spec, ignored: file.ignored, adjusted: file.adjusted };
}
