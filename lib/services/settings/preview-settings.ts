import "server-only";
import { readSettings } from "@/lib/db/settings";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { settingsChange, type PortalImpactLine } from "@/lib/domain/settings-form";
import { assertFluxNamespaceExists } from "./internal/flux-namespace";
import { parseSettingsInput } from "./internal/form";
import { portalSettingsImpact } from "./internal/impact";

export interface SettingsPreview {
  lines: PortalImpactLine[];
  needsConfirmation: boolean;
}

/** What saving the settings form would do, without saving it. */
export async function previewSettings(identity: Identity | null, input: { settings: unknown }): Promise<SettingsPreview> {
  assertCan(identity, "settings:edit");
  const after = parseSettingsInput(input.settings);
  const before = await readSettings();
  await assertFluxNamespaceExists(before, after);
  const lines = await portalSettingsImpact(before, after, settingsChange(before, after));
  return { lines, needsConfirmation: lines.some((line) => line.ends) };
}
