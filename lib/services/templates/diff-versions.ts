import "server-only";
import { createTwoFilesPatch } from "diff";
import { findVersionSpec, loadTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { specText } from "@/lib/templates/checksum";

/** A unified diff between two versions of a template. */
export async function diffTemplateVersions(identity: Identity | null, input: { name: string; from: number; to: number }): Promise<string> {
  assertCan(identity, "template:edit");
  const { name, from, to } = input;
  if (![from, to].every((v) => Number.isSafeInteger(v) && v >= 1)) throw new AppError("INVALID_INPUT", "Versions are whole numbers from 1.");
  const template = await loadTemplate({ name });
  const [a, b] = await Promise.all([findVersionSpec(template.id, from), findVersionSpec(template.id, to)]);
  const missing = !a ? from : !b ? to : null;
  if (missing !== null) throw new AppError("NOT_FOUND", `Template "${name}" has no version ${missing}.`);
  return createTwoFilesPatch(`${name} v${from}`, `${name} v${to}`, specText(a), specText(b), "", "", { context: 3 });
}
