import "server-only";
import { loadTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import { fieldErrorsOf } from "@/lib/domain/field-errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { pickTemplateSettings, templateSettingsChangeSchema, toSettingsInput } from "@/lib/domain/template-settings";
import { saveTemplateSettings, type SaveSettingsResult } from "./internal/save-settings";
import { requireConfirmFlag, requireTemplateSettings } from "./internal/settings";

export interface PatchSettingsInput {
  name: string;
  /** Some of the settings (templateSettingsChangeSchema): labels and annotations as maps, each replacing the whole map. */
  changes: unknown;
  confirm?: boolean;
}

/**
 * Changes some of a template's settings, leaving the others as they are: each changed setting is checked by
 * its own rule, the change is merged onto the saved settings, and the result is checked and saved exactly as
 * the settings form's save is (`saveTemplateSettings`: the rules between settings, the spec, the confirmation,
 * the audit entry). The merge is made onto the settings the save compares with, so a change made meanwhile by
 * someone else is refused, never undone.
 */
export async function patchTemplateSettings(identity: Identity | null, input: PatchSettingsInput): Promise<SaveSettingsResult> {
  assertCan(identity, "template:edit");
  const parsed = templateSettingsChangeSchema.safeParse(input?.changes);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", "Please correct the listed settings.", fieldErrorsOf(parsed.error, { unknown: "Not a setting of a template.", root: "settings" }));
  }
  requireConfirmFlag(input.confirm);
  const template = await loadTemplate({ name: input.name });
  const after = requireTemplateSettings(toSettingsInput({ ...pickTemplateSettings(template), ...parsed.data }));
  return saveTemplateSettings(identity, template, after, input.confirm);
}
