import "server-only";
import { loadTemplate } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { saveTemplateSettings, type SaveSettingsResult } from "./internal/save-settings";
import { requireConfirmFlag, requireTemplateSettings } from "./internal/settings";

export interface UpdateSettingsInput {
  name: string;
  settings: unknown;
  /** Saves a change that ends or removes something (see the impact); without it such a change is refused. */
  confirm?: boolean;
}

export type UpdateSettingsResult = SaveSettingsResult;

/**
 * Changes a template's operational settings (display, launching, pool, lifetime, quota, connection, labels
 * and annotations), in place, all of them at once as the settings form sends them: validated by the settings
 * schema, then saved as `saveTemplateSettings` says (checked against the spec, refused without `confirm` when
 * it ends or removes something, audited). An unchanged save writes nothing.
 */
export async function updateTemplateSettings(identity: Identity | null, input: UpdateSettingsInput): Promise<UpdateSettingsResult> {
  assertCan(identity, "template:edit");
  const { name, settings, confirm } = input ?? ({} as Partial<UpdateSettingsInput>);
  const after = requireTemplateSettings(settings);
  requireConfirmFlag(confirm);
  const template = await loadTemplate({ name: name as string });
  return saveTemplateSettings(identity, template, after, confirm);
}
