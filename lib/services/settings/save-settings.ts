import "server-only";
import { readSettings } from "@/lib/db/settings";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import type { Settings } from "@/lib/domain/settings";
import { changedGroups, settingsChange, type SettingGroup } from "@/lib/domain/settings-form";
import { validateAllTemplates } from "@/lib/services/system/validate-templates";
import { assertFluxNamespaceExists } from "./internal/flux-namespace";
import { parseSettingsInput } from "./internal/form";
import { portalSettingsImpact } from "./internal/impact";
import { updateSettings } from "./update-settings";

export interface SaveSettingsResult {
  /** The groups of settings that changed; none means nothing was written. */
  changed: SettingGroup[];
  settings: Settings;
  /** Templates that no longer validate with the saved settings (left out of the catalog until fixed). */
  invalidTemplates: string[];
}

/**
 * Saves the admin's settings form: only what differs from the settings in force is written ("nothing
 * changed" writes nothing), through `updateSettings` (one transaction with its audit entry, and the worker
 * woken to read them at once). A change that fails launches under way, re-applies Flux settings to running
 * environments or breaks templates is refused with CONFLICT, its sentences in `fields.confirm`, until
 * `confirm` is given. Every template is validated again afterwards, as at start-up.
 */
export async function saveSettings(identity: Identity | null, input: { settings: unknown; confirm?: boolean }): Promise<SaveSettingsResult> {
  assertCan(identity, "settings:edit");
  const after = parseSettingsInput(input.settings);
  const before = await readSettings();
  await assertFluxNamespaceExists(before, after);
  const change = settingsChange(before, after);
  const changed = changedGroups(change);
  if (changed.length === 0) return { changed, settings: before, invalidTemplates: [] };
  if (input.confirm !== true) {
    const confirm = (await portalSettingsImpact(before, after, change)).filter((line) => line.ends).map((line) => line.text);
    if (confirm.length > 0) throw new AppError("CONFLICT", "This change reaches running environments or templates: confirm it to save.", { confirm });
  }
  const settings = await updateSettings(identity, change);
  const validation = await validateAllTemplates();
  return { changed, settings, invalidTemplates: validation.filter((t) => t.error !== null).map((t) => t.name) };
}
