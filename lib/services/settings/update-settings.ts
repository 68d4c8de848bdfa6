import "server-only";
import { z } from "zod";
import { actorColumns, recordAudit } from "@/lib/db/audit";
import { db, type Prisma } from "@/lib/db/client";
import { SETTINGS_WAKE, WAKE_CHANNEL } from "@/lib/db/coordination";
import { readSettings } from "@/lib/db/settings";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import {
  auditRetentionSchema,
  baseDomainSchema,
  connectionUrlTemplateSchema,
  exposedClaimsSchema,
  fluxSettingsSchema,
  launchTimeoutSchema,
  quotaSchema,
  SETTING_KEYS,
  settingsValuesSchema,
  type Settings,
} from "@/lib/domain/settings";
import { checkSettingsRules, settingFields } from "@/lib/domain/template-settings";
import { findNul } from "@/lib/domain/text";
import { checkUrlTemplate } from "@/lib/templates/url";

/** A change to some settings; null resets a setting to its default. */
export const settingsChangeSchema = z
  .object({
    baseDomain: baseDomainSchema.nullable(),
    connectionUrlTemplate: connectionUrlTemplateSchema.nullable(),
    values: settingsValuesSchema.nullable(),
    defaultQuota: quotaSchema.nullable(),
    flux: fluxSettingsSchema.partial().strict().nullable(),
    // Each limit is a key of its own; null resets one, a null object resets both.
    launch: z
      .object({ fetchTimeoutSeconds: launchTimeoutSchema.nullable(), installTimeoutSeconds: launchTimeoutSchema.nullable() })
      .partial()
      .strict()
      .nullable(),
    auditRetentionDays: auditRetentionSchema.nullable(),
    exposedClaims: exposedClaimsSchema.nullable(),
    // All three at once, by the rules of a template's own lifetime fields.
    lifetime: z
      .strictObject({ ttlSeconds: settingFields.ttlSeconds, extendSeconds: settingFields.ttlExtendSeconds, maxExtends: settingFields.ttlMaxExtends })
      .superRefine((value, ctx) => checkSettingsRules({ ttlExtendSeconds: value.extendSeconds, ttlMaxExtends: value.maxExtends }, ctx))
      .nullable(),
  })
  .partial()
  .strict();
export type SettingsChange = z.infer<typeof settingsChangeSchema>;

const KEY: Record<Exclude<keyof SettingsChange, "launch">, string> = {
  baseDomain: SETTING_KEYS.baseDomain,
  connectionUrlTemplate: SETTING_KEYS.connectionUrlTemplate,
  values: SETTING_KEYS.values,
  defaultQuota: SETTING_KEYS.defaultQuota,
  flux: SETTING_KEYS.flux,
  auditRetentionDays: SETTING_KEYS.auditRetention,
  exposedClaims: SETTING_KEYS.exposedClaims,
  lifetime: SETTING_KEYS.lifetime,
};
const LAUNCH_KEY = { fetchTimeoutSeconds: SETTING_KEYS.fetchTimeout, installTimeoutSeconds: SETTING_KEYS.installTimeout } as const;

/** The change as setting keys and values (null = back to the default). */
function keyedChange(change: SettingsChange): [key: string, value: unknown][] {
  const entries: [string, unknown][] = [];
  for (const [field, value] of Object.entries(change) as [keyof SettingsChange, unknown][]) {
    if (field !== "launch") entries.push([KEY[field], value]);
    else if (change.launch === null) entries.push(...Object.values(LAUNCH_KEY).map((key): [string, unknown] => [key, null]));
    else for (const [limit, seconds] of Object.entries(change.launch ?? {})) entries.push([LAUNCH_KEY[limit as keyof typeof LAUNCH_KEY], seconds]);
  }
  return entries;
}

/**
 * Changes cluster-wide settings: validated, written in one transaction with its audit entry, and announced to
 * the worker, which reads them again at once (no restart). Web processes read settings with every launch.
 */
export async function updateSettings(identity: Identity | null, input: unknown): Promise<Settings> {
  assertCan(identity, "settings:edit");
  const parsed = settingsChangeSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", "Please correct the highlighted settings.", z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  }
  const change = parsed.data;
  const nul = findNul(change);
  if (nul) throw new AppError("INVALID_INPUT", `${nul} must not contain a NUL character.`, { [nul.split(".")[0]!]: ["must not contain a NUL character"] });
  if (change.connectionUrlTemplate) {
    try {
      checkUrlTemplate(change.connectionUrlTemplate);
    } catch (error) {
      throw new AppError("INVALID_INPUT", (error as Error).message, { connectionUrlTemplate: [(error as Error).message] });
    }
  }
  return db().$transaction(async (tx) => {
    const before = await readSettings(tx);
    for (const [key, value] of keyedChange(change)) {
      if (value === null) await tx.setting.deleteMany({ where: { key } });
      else {
        const json = value as Prisma.InputJsonValue;
        await tx.setting.upsert({ where: { key }, create: { key, value: json, updatedById: actorColumns(identity).actorId }, update: { value: json, updatedById: actorColumns(identity).actorId } });
      }
    }
    const after = await readSettings(tx);
    await recordAudit(tx, { actor: identity, action: "settings.update", objectType: "settings", objectId: null, before, after });
    await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${SETTINGS_WAKE})`;
    return after;
  });
}
