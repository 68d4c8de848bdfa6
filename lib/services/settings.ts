import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db/client";
import { DEFAULT_FLUX_SETTINGS, type FluxSettings } from "@/lib/engine/flux/manifests";

/**
 * Cluster-wide settings (DESIGN.md "Settings") kept in the settings table, with defaults for anything unset.
 * A stored value that no longer parses falls back to its default instead of stopping the worker.
 */

const goDuration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, "a duration like 30s, 5m or 1h");

export const fluxSettingsSchema = z.object({
  interval: goDuration,
  timeout: goDuration,
  serviceAccountName: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/)
    .nullable(),
  remediationRetries: z.number().int().min(0).max(10),
});

export interface EngineSettings {
  installationId: string;
  baseDomain: string;
  connectionUrlTemplate: string | null;
  values: Record<string, unknown>;
  flux: FluxSettings;
}

const KEYS = {
  installation: "installation.id",
  flux: "flux",
  baseDomain: "baseDomain",
  connectionUrlTemplate: "connectionUrlTemplate",
  values: "values",
  defaultQuota: "quota.defaultMaxInstancesPerUser",
} as const;

/** Live instances an owner key may hold when the template sets no limit of its own. */
export const DEFAULT_QUOTA = 5;
/** The largest quota a setting or a template may give; 0 means no limit. */
export const MAX_QUOTA = 1000;
export const quotaSchema = z.number().int().min(0).max(MAX_QUOTA);

/**
 * This portal's installation id: a label on every cluster object it creates, so two portals sharing a
 * cluster never touch each other's objects. Created once, on first use, by whichever process gets there first.
 */
export async function getInstallationId(): Promise<string> {
  const candidate = `ed${randomBytes(5).toString("hex")}`;
  await db().$executeRaw`INSERT INTO settings (key, value) VALUES (${KEYS.installation}, to_jsonb(${candidate}::text)) ON CONFLICT (key) DO NOTHING`;
  const row = await db().setting.findUniqueOrThrow({ where: { key: KEYS.installation } });
  return String(row.value);
}

export async function getEngineSettings(): Promise<EngineSettings> {
  const installationId = await getInstallationId();
  const rows = await db().setting.findMany({ where: { key: { in: [KEYS.flux, KEYS.baseDomain, KEYS.connectionUrlTemplate, KEYS.values] } } });
  const stored = new Map(rows.map((r) => [r.key, r.value as unknown]));
  const flux = fluxSettingsSchema.partial().safeParse(stored.get(KEYS.flux) ?? {});
  return { installationId, ...addressSettings(stored), flux: { ...DEFAULT_FLUX_SETTINGS, ...(flux.success ? flux.data : {}) } };
}

/** The settings that shape an instance's address and values, each falling back to its default. */
function addressSettings(stored: Map<string, unknown>): Pick<EngineSettings, "baseDomain" | "connectionUrlTemplate" | "values"> {
  const baseDomain = z.string().min(1).max(200).safeParse(stored.get(KEYS.baseDomain));
  const urlTemplate = z.string().min(1).max(2048).safeParse(stored.get(KEYS.connectionUrlTemplate));
  const values = z.record(z.string(), z.unknown()).safeParse(stored.get(KEYS.values));
  return {
    baseDomain: baseDomain.success ? baseDomain.data : getConfig().baseDomain,
    connectionUrlTemplate: urlTemplate.success ? urlTemplate.data : null,
    values: values.success ? values.data : {},
  };
}

export interface LaunchSettings extends Pick<EngineSettings, "baseDomain" | "connectionUrlTemplate" | "values"> {
  /** Live instances per owner key when a template sets no limit; 0 = no limit. */
  defaultQuota: number;
}

/** The settings keys a launch reads (launch-spec.ts reads them with the template, in one query). */
export const LAUNCH_SETTING_KEYS = [KEYS.baseDomain, KEYS.connectionUrlTemplate, KEYS.values, KEYS.defaultQuota];

export function parseLaunchSettings(stored: Map<string, unknown>): LaunchSettings {
  const quota = quotaSchema.safeParse(stored.get(KEYS.defaultQuota));
  return { ...addressSettings(stored), defaultQuota: quota.success ? quota.data : DEFAULT_QUOTA };
}

export async function getLaunchSettings(): Promise<LaunchSettings> {
  const rows = await db().setting.findMany({ where: { key: { in: LAUNCH_SETTING_KEYS } } });
  return parseLaunchSettings(new Map(rows.map((r) => [r.key, r.value as unknown])));
}
