import "server-only";
import { loadTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { annotationValueProblem, labelValueProblem, pickTemplateSettings, qualifiedNameProblem, toSettingsInput } from "@/lib/domain/template-settings";
import { saveTemplateSettings } from "./internal/save-settings";
import { requireTemplateSettings } from "./internal/settings";

/** A template's labels (matched against clusters' labels) or annotations (free text). */
export const METADATA_KINDS = ["labels", "annotations"] as const;
export type MetadataKind = (typeof METADATA_KINDS)[number];

export interface MetadataEntry {
  key: string;
  value: string;
}

/** The key and value of one entry, or INVALID_INPUT naming what is wrong with each: Kubernetes' rules. */
export function requireMetadataEntry(kind: MetadataKind, input: { key?: unknown; value?: unknown }, options: { value: boolean }): MetadataEntry {
  const fields: Record<string, string[]> = {};
  const key = typeof input.key === "string" ? input.key : "";
  const keyProblem = typeof input.key === "string" ? qualifiedNameProblem(key) : "Enter a key.";
  if (keyProblem) fields.key = [keyProblem];
  let value = "";
  if (options.value) {
    const valueProblem = typeof input.value === "string" ? (kind === "labels" ? labelValueProblem : annotationValueProblem)(input.value) : "Enter text.";
    if (valueProblem) fields.value = [valueProblem];
    else value = input.value as string;
  }
  const what = kind === "labels" ? "label" : "annotation";
  if (Object.keys(fields).length > 0) throw new AppError("INVALID_INPUT", `This is not a valid ${what}.`, fields);
  return { key, value };
}

/**
 * Sets one label or annotation of a template, adding it or replacing its value; the others stay as they are.
 * Saved like any change of settings (checked against the spec, audited with the map before and after).
 */
export async function setTemplateMetadataEntry(
  identity: Identity | null,
  input: { name: string; kind: MetadataKind; key: unknown; value: unknown },
): Promise<MetadataEntry & { created: boolean }> {
  assertCan(identity, "template:edit");
  const kind = input?.kind;
  if (!METADATA_KINDS.includes(kind)) throw new AppError("INVALID_INPUT", "Choose labels or annotations.");
  const entry = requireMetadataEntry(kind, input, { value: true });
  const template = await loadTemplate({ name: input.name });
  const before = pickTemplateSettings(template);
  const created = !Object.hasOwn(before[kind], entry.key);
  const after = requireTemplateSettings(toSettingsInput({ ...before, [kind]: { ...before[kind], [entry.key]: entry.value } }));
  await saveTemplateSettings(identity, template, after, undefined);
  return { ...entry, created };
}
