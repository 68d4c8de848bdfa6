import "server-only";
import { loadTemplate } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import type { SettingsImpact } from "@/lib/domain/settings-impact";
import { changedSettings, pickTemplateSettings, type SettingName } from "@/lib/domain/template-settings";
import { requireTemplateSettings, settingsImpact } from "./internal/settings";

export interface SettingsImpactPreview extends SettingsImpact {
  /** The settings that differ from the saved ones. */
  changed: SettingName[];
}

/**
 * What saving these settings would do, before it is saved: the same sentences, from the same counts, that
 * `updateTemplateSettings` asks a confirmation for. Reads only.
 */
export async function previewSettingsImpact(identity: Identity | null, input: { name: string; settings: unknown }): Promise<SettingsImpactPreview> {
  assertCan(identity, "template:edit");
  const after = requireTemplateSettings(input.settings);
  const template = await loadTemplate({ name: input.name });
  const impact = await settingsImpact(template, after);
  return { ...impact, changed: changedSettings(pickTemplateSettings(template), after) };
}
