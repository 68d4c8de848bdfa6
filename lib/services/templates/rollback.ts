import "server-only";
import { findVersionSpec, loadTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { saveTemplateSpec, type SaveResult } from "./save-spec";

/** Rolls back by saving an old version's spec as a new version: history is never rewritten. */
export async function rollbackTemplate(identity: Identity | null, input: { name: string; version: number }): Promise<SaveResult> {
  assertCan(identity, "template:edit");
  const { name, version } = input;
  if (!Number.isSafeInteger(version) || version < 1) throw new AppError("INVALID_INPUT", "Versions are whole numbers from 1.");
  const template = await loadTemplate({ name });
  const spec = await findVersionSpec(template.id, version);
  if (!spec) throw new AppError("NOT_FOUND", `Template "${name}" has no version ${version}.`);
  return saveTemplateSpec(identity, { name, spec, message: `Rolled back to v${version}` });
}
