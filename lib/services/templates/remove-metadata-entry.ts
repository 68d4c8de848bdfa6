import "server-only";
import { loadTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { pickTemplateSettings, toSettingsInput } from "@/lib/domain/template-settings";
import { saveTemplateSettings } from "./internal/save-settings";
import { requireTemplateSettings } from "./internal/settings";
import { METADATA_KINDS, requireMetadataEntry, type MetadataKind } from "./set-metadata-entry";

/**
 * Removes one label or annotation of a template; the others stay as they are. NOT_FOUND when the template has
 * no such key. Saved like any change of settings (audited with the map before and after).
 */
export async function removeTemplateMetadataEntry(identity: Identity | null, input: { name: string; kind: MetadataKind; key: unknown }): Promise<void> {
  assertCan(identity, "template:edit");
  const kind = input?.kind;
  if (!METADATA_KINDS.includes(kind)) throw new AppError("INVALID_INPUT", "Choose labels or annotations.");
  const { key } = requireMetadataEntry(kind, input, { value: false });
  const template = await loadTemplate({ name: input.name });
  const before = pickTemplateSettings(template);
  if (!Object.hasOwn(before[kind], key)) {
    throw new AppError("NOT_FOUND", `${template.displayName} has no ${kind === "labels" ? "label" : "annotation"} "${key}".`);
  }
  const remaining = Object.fromEntries(Object.entries(before[kind]).filter(([k]) => k !== key));
  await saveTemplateSettings(identity, template, requireTemplateSettings(toSettingsInput({ ...before, [kind]: remaining })), undefined);
}
