import { z } from "zod";

/**
 * Cluster-wide settings (docs/architecture.md, "Settings"): their keys in the settings table, their schemas and their
 * defaults. Pure: the database reads them in lib/db/settings.ts. A stored value that no longer parses falls
 * back to its default instead of stopping a launch or the worker.
 */

export const SETTING_KEYS = {
  installation: "installation.id",
  flux: "flux",
  baseDomain: "baseDomain",
  connectionUrlTemplate: "connectionUrlTemplate",
  values: "values",
  defaultQuota: "quota.defaultMaxInstancesPerUser",
  fetchTimeout: "launch.fetchTimeoutSeconds",
  installTimeout: "launch.installTimeoutSeconds",
  auditRetention: "audit.retentionDays",
  exposedClaims: "claims.exposed",
  lifetime: "template.lifetime",
} as const;

/** Every key `parseSettings` reads (the installation id is read on its own, once). */
export const SETTINGS_READ = [
  SETTING_KEYS.flux,
  SETTING_KEYS.baseDomain,
  SETTING_KEYS.connectionUrlTemplate,
  SETTING_KEYS.values,
  SETTING_KEYS.defaultQuota,
  SETTING_KEYS.fetchTimeout,
  SETTING_KEYS.installTimeout,
  SETTING_KEYS.auditRetention,
  SETTING_KEYS.exposedClaims,
  SETTING_KEYS.lifetime,
];

export interface FluxSettings {
  /** How often Flux re-checks the release, as a Go duration (`5m`). */
  interval: string;
  /** How long one Helm action may take (`10m`). */
  timeout: string;
  /** Service account Flux impersonates for the release; null uses the controller's own. */
  serviceAccountName: string | null;
  /** Install and upgrade attempts Flux retries after a failure before giving up. */
  remediationRetries: number;
  /**
   * Whether Helm waits for the release's workloads to be ready before Flux calls it Ready (Flux's default).
   * Off, a release is Ready once installed: for clusters where no pod ever runs, like `npm run demo`'s.
   */
  wait: boolean;
  /**
   * Namespace that holds each new environment's HelmRelease and chart source (Flux installs into the
   * environment's own namespace from there); null keeps them in the environment's namespace. An environment
   * keeps its release where it was first applied when this changes later. Read settings always have it.
   */
  namespace?: string | null;
}

export const DEFAULT_FLUX_SETTINGS: FluxSettings = { interval: "5m", timeout: "5m", serviceAccountName: null, remediationRetries: 0, wait: true, namespace: null };

/** A namespace name (DNS-1123 label), as Kubernetes accepts it. */
export const namespaceNameSchema = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);

const goDuration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, "a duration like 30s, 5m or 1h");

export const fluxSettingsSchema = z.object({
  interval: goDuration,
  timeout: goDuration,
  serviceAccountName: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/)
    .nullable(),
  remediationRetries: z.number().int().min(0).max(10),
  wait: z.boolean(),
  namespace: namespaceNameSchema.nullable(),
});

/** Live instances an owner key may hold when the template sets no limit of its own. */
export const DEFAULT_QUOTA = 5;
/** The largest quota a setting or a template may give; 0 means no limit. */
export const MAX_QUOTA = 1000;
export const quotaSchema = z.number().int().min(0).max(MAX_QUOTA);

/**
 * How long a launch may stay at one step before it is given up as Failed. Fetching the chart has a limit of
 * its own, shorter than installing: a source that cannot be reached rarely comes back within minutes,
 * while a chart can legitimately take a while to install (images to pull, hooks to run).
 */
export interface LaunchSettings {
  /** Seconds Flux may spend fetching the chart (from its source) before the launch fails. */
  fetchTimeoutSeconds: number;
  /** Seconds any other step (applying the objects, installing the chart) may go without progress. */
  installTimeoutSeconds: number;
}

export const DEFAULT_LAUNCH_SETTINGS: LaunchSettings = { fetchTimeoutSeconds: 180, installTimeoutSeconds: 600 };
/** Bounds of a launch limit: a few seconds (tests) up to a day. */
export const MIN_LAUNCH_TIMEOUT = 5;
export const MAX_LAUNCH_TIMEOUT = 86_400;
export const launchTimeoutSchema = z.number().int().min(MIN_LAUNCH_TIMEOUT).max(MAX_LAUNCH_TIMEOUT);

/** Days the audit trail keeps an entry; the worker deletes older ones. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 180;
export const MAX_AUDIT_RETENTION_DAYS = 3650;
export const DEFAULT_AUDIT_SETTINGS: Settings["audit"] = { retentionDays: DEFAULT_AUDIT_RETENTION_DAYS };
export const auditRetentionSchema = z
  .number({ error: "A number of days." })
  .int("A whole number of days.")
  .min(1, "At least 1 day.")
  .max(MAX_AUDIT_RETENTION_DAYS, `At most ${MAX_AUDIT_RETENTION_DAYS} days (ten years).`);

export const baseDomainSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, "a DNS domain like envdeck.example.edu");
export const connectionUrlTemplateSchema = z.string().min(1).max(2048);
export const settingsValuesSchema = z.record(z.string(), z.unknown());

/** Claim names that carry credentials: never exposed to templates, whatever an allow-list says. */
export const SECRET_CLAIMS: ReadonlySet<string> = new Set(["access_token", "id_token", "refresh_token", "code", "nonce", "at_hash", "c_hash"]);
export const MAX_EXPOSED_CLAIMS = 50;
/** A claim name as templates read it (`claims.<name>`), the same rule as ENVDECK_EXPOSED_CLAIMS. */
export const claimNameSchema = z
  .string()
  .min(1, "Enter a claim name.")
  .max(100, "At most 100 characters.")
  .regex(/^[A-Za-z0-9_.:/-]+$/, "Use letters, digits, _ . : / - only.")
  .refine((name) => !SECRET_CLAIMS.has(name), "This claim carries credentials and is never exposed.");
export const exposedClaimsSchema = z
  .array(claimNameSchema)
  .max(MAX_EXPOSED_CLAIMS, `At most ${MAX_EXPOSED_CLAIMS} claims.`)
  .refine((names) => new Set(names).size === names.length, "Each claim once.");

/**
 * The lifetime a new template gets when whoever creates it does not say (the blank starter, the API, an
 * imported file without a ttl): seconds, -1 unlimited, as Template.ttlSeconds. Existing templates keep theirs.
 */
export interface LifetimeDefaults {
  ttlSeconds: number;
  extendSeconds: number;
  maxExtends: number;
}

export const DEFAULT_LIFETIME: LifetimeDefaults = { ttlSeconds: 14400, extendSeconds: 3600, maxExtends: 3 };
/**
 * Stored lifetime defaults: the shape only. The form and the settings use case hold them to the rules of a
 * template's own lifetime fields (template-settings.ts, which imports this module and so cannot be imported here).
 */
const storedLifetime = z.strictObject({ ttlSeconds: z.number().int().min(-1), extendSeconds: z.number().int().min(0), maxExtends: z.number().int().min(0) });

/** The settings every launch, preview and reconcile works with. */
export interface Settings {
  baseDomain: string;
  /** The cluster-wide connection URL template; null means `https://<template>-<uuid>.<baseDomain>/`. */
  connectionUrlTemplate: string | null;
  /** What templates see as `config.values`. */
  values: Record<string, unknown>;
  /** Live instances per owner key when a template sets no limit; 0 = no limit. */
  defaultQuota: number;
  flux: FluxSettings;
  launch: LaunchSettings;
  audit: { retentionDays: number };
  /** The OIDC claims templates may read (`claims.<name>`); every other claim stays out of their context. */
  exposedClaims: string[];
  /** What a new template's lifetime is when its creator leaves it out. */
  lifetime: LifetimeDefaults;
}

// Built once: every launch parses the stored settings.
const storedUrlTemplate = connectionUrlTemplateSchema.nullable();
const storedFlux = fluxSettingsSchema.partial();

/** Settings from stored values by key; anything unset or unusable takes its default. */
export function parseSettings(stored: ReadonlyMap<string, unknown>, defaults: { baseDomain: string; exposedClaims: string[] }): Settings {
  const pick = <T>(schema: z.ZodType<T>, key: string, fallback: T): T => {
    if (!stored.has(key)) return fallback;
    const parsed = schema.safeParse(stored.get(key));
    return parsed.success ? parsed.data : fallback;
  };
  return {
    baseDomain: pick(baseDomainSchema, SETTING_KEYS.baseDomain, defaults.baseDomain),
    connectionUrlTemplate: pick(storedUrlTemplate, SETTING_KEYS.connectionUrlTemplate, null),
    values: pick(settingsValuesSchema, SETTING_KEYS.values, {}),
    defaultQuota: pick(quotaSchema, SETTING_KEYS.defaultQuota, DEFAULT_QUOTA),
    flux: { ...DEFAULT_FLUX_SETTINGS, ...pick(storedFlux, SETTING_KEYS.flux, {}) },
    launch: {
      fetchTimeoutSeconds: pick(launchTimeoutSchema, SETTING_KEYS.fetchTimeout, DEFAULT_LAUNCH_SETTINGS.fetchTimeoutSeconds),
      installTimeoutSeconds: pick(launchTimeoutSchema, SETTING_KEYS.installTimeout, DEFAULT_LAUNCH_SETTINGS.installTimeoutSeconds),
    },
    audit: { retentionDays: pick(auditRetentionSchema, SETTING_KEYS.auditRetention, DEFAULT_AUDIT_SETTINGS.retentionDays) },
    // The environment's list (ENVDECK_EXPOSED_CLAIMS) is the default; secret claims never pass, from either.
    exposedClaims: pick(exposedClaimsSchema, SETTING_KEYS.exposedClaims, defaults.exposedClaims.filter((name) => !SECRET_CLAIMS.has(name))),
    lifetime: pick(storedLifetime, SETTING_KEYS.lifetime, DEFAULT_LIFETIME),
  };
}
