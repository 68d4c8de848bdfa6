import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { updateSettings, type SettingsChange } from "@/lib/services/settings/update-settings";
import { withE2eDatabase } from "./database";

/**
 * Changes the portal's settings through the settings use case, as an admin's change would be made: it wakes
 * the running worker, which reads them at once. The end-to-end database is loopback-only and test-made.
 */
export async function changeSettings(change: SettingsChange): Promise<void> {
  await withE2eDatabase(() => updateSettings(SYSTEM_IDENTITY, change));
}
