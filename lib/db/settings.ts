import "server-only";
import { randomBytes } from "node:crypto";
import { getConfig } from "@/lib/config";
import { parseSettings, SETTING_KEYS, SETTINGS_READ, type Settings } from "@/lib/domain/settings";
import { db, type Prisma } from "./client";

/** Settings rows as parsed settings, with every default filled in. */
export function settingsFrom(stored: Record<string, unknown> | null): Settings {
  return parseSettings(new Map(Object.entries(stored ?? {})), { baseDomain: getConfig().baseDomain, exposedClaims: getConfig().exposedClaims });
}

/**
 * The settings keys as one SQL expression (a jsonb object of key → value), so a query that needs settings
 * beside other rows reads them in the same round trip. `$n` is the parameter holding SETTINGS_READ.
 */
export const settingsSql = (parameter: string) => `(SELECT jsonb_object_agg(key, value) FROM settings WHERE key = ANY(${parameter}))`;
export { SETTINGS_READ };

export async function readSettings(client: Pick<Prisma.TransactionClient, "setting"> = db()): Promise<Settings> {
  const rows = await client.setting.findMany({ where: { key: { in: SETTINGS_READ } } });
  return settingsFrom(Object.fromEntries(rows.map((r) => [r.key, r.value])));
}

/**
 * This portal's installation id: a label on every cluster object it creates, so two portals sharing a
 * cluster never touch each other's objects. Created once, on first use, by whichever process gets there first.
 */
export async function getInstallationId(): Promise<string> {
  const candidate = `ed${randomBytes(5).toString("hex")}`;
  await db().$executeRaw`INSERT INTO settings (key, value) VALUES (${SETTING_KEYS.installation}, to_jsonb(${candidate}::text)) ON CONFLICT (key) DO NOTHING`;
  const row = await db().setting.findUniqueOrThrow({ where: { key: SETTING_KEYS.installation } });
  return String(row.value);
}
