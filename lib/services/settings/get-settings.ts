import "server-only";
import { readSettings } from "@/lib/db/settings";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { DEFAULT_AUDIT_SETTINGS, SECRET_CLAIMS, type Settings } from "@/lib/domain/settings";
import { getConfig } from "@/lib/config";

/** The settings in force, with every default filled in. */
export async function getSettings(identity: Identity | null): Promise<Settings> {
  assertCan(identity, "settings:edit");
  return readSettings();
}

/** The settings in force, and the defaults of those that come from the environment (shown beside their fields). */
export async function getSettingsWithDefaults(identity: Identity | null): Promise<{ settings: Settings; defaults: { baseDomain: string; exposedClaims: string[]; audit: { retentionDays: number } } }> {
  const settings = await getSettings(identity);
  const config = getConfig();
  return { settings, defaults: { baseDomain: config.baseDomain, exposedClaims: config.exposedClaims.filter((name) => !SECRET_CLAIMS.has(name)), audit: DEFAULT_AUDIT_SETTINGS } };
}
