import "server-only";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { runTemplateImport, type ImportInput, type ImportOutcome } from "./internal/template-import";

/**
 * A dry run of importing a template file: every check an import makes (the file, the fields, the name, a full
 * validation), and the fields of the file left out or changed, with nothing saved. Problems are an
 * INVALID_INPUT naming each place in the file with its line.
 */
export async function previewTemplateImport(identity: Identity | null, input: ImportInput): Promise<ImportOutcome> {
  assertCan(identity, "template:edit");
  return runTemplateImport(identity, input, true);
}

export type { ImportOutcome } from "./internal/template-import";
