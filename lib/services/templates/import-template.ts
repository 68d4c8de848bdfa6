import "server-only";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { runTemplateImport, type ImportInput, type ImportOutcome } from "./internal/template-import";

/**
 * Creates a template from a DployTemplate or an Envdeck template file (pasted or uploaded), checked exactly as
 * its preview was. The audit entry records the format and the fields left out.
 */
export async function importTemplate(identity: Identity | null, input: ImportInput): Promise<ImportOutcome> {
  assertCan(identity, "template:edit");
  return runTemplateImport(identity, input, false);
}
