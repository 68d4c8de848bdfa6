import { isMap, parseDocument, stringify, visit } from "yaml";
import { z } from "zod";
import { MAX_YAML_ALIASES, MAX_YAML_DEPTH } from "@/lib/templates/yaml-source";
import {
  baseDomainSchema,
  claimNameSchema,
  fluxSettingsSchema,
  MAX_AUDIT_RETENTION_DAYS,
  MAX_EXPOSED_CLAIMS,
  MAX_LAUNCH_TIMEOUT,
  MAX_QUOTA,
  MIN_LAUNCH_TIMEOUT,
  namespaceNameSchema,
  type Settings,
} from "./settings";
import { describeLifetime } from "./template-import";
import { checkSettingsRules, settingFields } from "./template-settings";

/**
 * The portal's settings as the admin's form shows them (docs/architecture.md, "Portal settings"): text as
 * typed, one schema for the browser and the server, the change against the settings in force, and what it
 * does to what exists, in sentences for the admin before saving. Pure: the counts come from the database.
 */

/** Values templates see as `config.values`: read with every launch, so kept small. */
export const MAX_VALUES_YAML_BYTES = 64 * 1024;
/** The URL template limit of lib/templates/url.ts, which the browser does not load (it brings a Liquid engine). */
export const MAX_URL_TEMPLATE = 2048;

/** What the form holds: everything as the admin typed it. */
export interface SettingsFormInput {
  baseDomain: string;
  /** Empty: `https://<template>-<uuid>.<baseDomain>/`. */
  connectionUrlTemplate: string;
  valuesYaml: string;
  defaultQuota: number;
  fetchTimeoutSeconds: number;
  installTimeoutSeconds: number;
  fluxInterval: string;
  fluxTimeout: string;
  /** Empty: the controller's own. */
  fluxServiceAccount: string;
  fluxRetries: number;
  fluxWait: boolean;
  /** Empty: each environment's own namespace. */
  fluxNamespace: string;
  /** Claim names separated by commas, spaces or line breaks. */
  exposedClaims: string;
  /** Days the audit trail keeps its entries. */
  auditRetentionDays: number;
  /** A new template's lifetime in seconds, -1 unlimited; named as the template's own fields, judged by their rules. */
  ttlSeconds: number;
  ttlExtendSeconds: number;
  ttlMaxExtends: number;
}

/** The settings an admin edits: all of them. */
export type EditableSettings = Settings;

/** The problem with a values document, or its mapping. Refuses anchors that expand (a few lines into gigabytes). */
export function readValuesYaml(text: string): { ok: true; values: Record<string, unknown> } | { ok: false; problem: string } {
  const source = text.replace(/^\uFEFF/, "");
  if (new TextEncoder().encode(source).length > MAX_VALUES_YAML_BYTES) return { ok: false, problem: `At most ${MAX_VALUES_YAML_BYTES / 1024} KiB.` };
  if (source.trim() === "") return { ok: true, values: {} };
  const document = parseDocument(source, { uniqueKeys: true, strict: true, prettyErrors: true, schema: "core", merge: false });
  const problem = [...document.errors, ...document.warnings][0];
  if (problem) {
    const line = problem.linePos ? ` (line ${problem.linePos[0].line})` : "";
    return { ok: false, problem: `Not valid YAML${line}: ${problem.message.split(" at line ")[0]!.split("\n")[0]}` };
  }
  let aliases = 0;
  visit(document, { Alias: () => void aliases++ });
  if (aliases > MAX_YAML_ALIASES) return { ok: false, problem: `Uses ${aliases} aliases (*name); at most ${MAX_YAML_ALIASES}.` };
  if (!isMap(document.contents)) return { ok: false, problem: "Must be a mapping of names to values (name: value), or empty." };
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_YAML_ALIASES * 4 });
  } catch (error) {
    return { ok: false, problem: `Cannot be read: ${(error as Error).message}` };
  }
  const plain = plainDataProblem(value, 0);
  return plain ? { ok: false, problem: plain } : { ok: true, values: value as Record<string, unknown> };
}

function plainDataProblem(value: unknown, depth: number): string | null {
  if (depth > MAX_YAML_DEPTH) return `Nests deeper than ${MAX_YAML_DEPTH} levels.`;
  if (value === null || typeof value === "string" || typeof value === "boolean") return typeof value === "string" && value.includes("\u0000") ? "Holds a NUL character." : null;
  if (typeof value === "number") return Number.isFinite(value) ? null : "Holds a number that is not finite (.inf or .nan).";
  if (Array.isArray(value)) return value.map((item) => plainDataProblem(item, depth + 1)).find(Boolean) ?? null;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes("\u0000")) return "A name holds a NUL character.";
      const found = plainDataProblem(item, depth + 1);
      if (found) return found;
    }
    return null;
  }
  return "Holds a value that is not text, a number, true/false, a list or a mapping.";
}

/** Values as the editor shows them. */
export function valuesYamlOf(values: Record<string, unknown>): string {
  return Object.keys(values).length === 0 ? "" : stringify(values, { lineWidth: 0 });
}

export function splitClaims(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

const typed = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? "Required." : what) });
const wholeNumber = (min: number, max: number) =>
  z
    .number(typed("Enter a whole number."))
    .int({ error: "Enter a whole number." })
    .min(min, { error: `Enter a whole number from ${min} to ${max}.` })
    .max(max, { error: `Enter a whole number from ${min} to ${max}.` });
/** Text that `schema` accepts, or the one message beside its field. */
const ruled = (schema: z.ZodType, empty: string, message: string) =>
  z.string().superRefine((value, ctx) => {
    if (value === "") ctx.addIssue({ code: "custom", message: empty });
    else if (!schema.safeParse(value).success) ctx.addIssue({ code: "custom", message });
  });
const duration = z
  .string(typed("Enter a duration."))
  .trim()
  .pipe(ruled(fluxSettingsSchema.shape.interval, "Enter a duration like 30s, 5m or 1h.", "A duration like 30s, 5m or 1h30m: a number and s, m or h."));

/** The form's fields with the rules of each setting and messages beside the field. */
export const settingsFormSchema = z
  .object({
    baseDomain: z
      .string(typed("Enter a domain."))
      .trim()
      .toLowerCase()
      .pipe(ruled(baseDomainSchema, "Enter a domain like envdeck.example.edu.", "A DNS domain like envdeck.example.edu: lowercase letters, digits and dashes, in labels separated by dots.")),
    connectionUrlTemplate: z
      .string(typed("Enter text."))
      .trim()
      .max(MAX_URL_TEMPLATE, { error: `At most ${MAX_URL_TEMPLATE} characters.` })
      .refine((text) => !/[\p{Cc}]/u.test(text), { error: "One line of printable characters." })
      .transform((text) => text || null),
    valuesYaml: z.string(typed("Enter YAML.")).transform((text, ctx) => {
      const read = readValuesYaml(text);
      if (read.ok) return read.values;
      ctx.addIssue({ code: "custom", message: read.problem });
      return z.NEVER;
    }),
    defaultQuota: wholeNumber(0, MAX_QUOTA),
    fetchTimeoutSeconds: wholeNumber(MIN_LAUNCH_TIMEOUT, MAX_LAUNCH_TIMEOUT),
    installTimeoutSeconds: wholeNumber(MIN_LAUNCH_TIMEOUT, MAX_LAUNCH_TIMEOUT),
    fluxInterval: duration,
    fluxTimeout: duration,
    fluxServiceAccount: z
      .string(typed("Enter text."))
      .trim()
      .max(253, { error: "At most 253 characters." })
      .refine((name) => name === "" || fluxSettingsSchema.shape.serviceAccountName.safeParse(name).success, {
        error: "A Kubernetes name: lowercase letters, digits, dashes and dots, starting and ending with a letter or digit.",
      })
      .transform((name) => name || null),
    fluxRetries: wholeNumber(0, 10),
    fluxWait: z.boolean(typed("Use true or false.")),
    fluxNamespace: z
      .string(typed("Enter text."))
      .trim()
      .max(63, { error: "At most 63 characters." })
      .refine((name) => name === "" || namespaceNameSchema.safeParse(name).success, {
        error: "A namespace name: lowercase letters, digits and dashes, starting and ending with a letter or digit.",
      })
      .transform((name) => name || null),
    exposedClaims: z
      .string(typed("Enter claim names."))
      .max(MAX_EXPOSED_CLAIMS * 101, { error: "Too many claims." })
      .transform(splitClaims)
      .superRefine((names, ctx) => {
        if (names.length > MAX_EXPOSED_CLAIMS) ctx.addIssue({ code: "custom", message: `At most ${MAX_EXPOSED_CLAIMS} claims.` });
        for (const name of names) {
          const parsed = claimNameSchema.safeParse(name);
          if (!parsed.success) ctx.addIssue({ code: "custom", message: `"${name.slice(0, 40)}": ${parsed.error.issues[0]!.message}` });
        }
      })
      .transform((names) => [...new Set(names)]),
    auditRetentionDays: wholeNumber(1, MAX_AUDIT_RETENTION_DAYS),
    // The same rules and messages as a template's lifetime, extensions and their number.
    ttlSeconds: settingFields.ttlSeconds,
    ttlExtendSeconds: settingFields.ttlExtendSeconds,
    ttlMaxExtends: settingFields.ttlMaxExtends,
  })
  .strict()
  .superRefine(checkSettingsRules, { when: () => true });

export type SettingName = keyof SettingsFormInput;

/** The form's settings as the portal's, or the errors by field. */
export function parseSettingsForm(input: unknown): { ok: true; settings: EditableSettings } | { ok: false; fieldErrors: Record<string, string[]> } {
  const parsed = settingsFormSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> };
  const form = parsed.data;
  return {
    ok: true,
    settings: {
      baseDomain: form.baseDomain,
      connectionUrlTemplate: form.connectionUrlTemplate,
      values: form.valuesYaml,
      defaultQuota: form.defaultQuota,
      flux: {
        interval: form.fluxInterval,
        timeout: form.fluxTimeout,
        serviceAccountName: form.fluxServiceAccount,
        remediationRetries: form.fluxRetries,
        wait: form.fluxWait,
        namespace: form.fluxNamespace,
      },
      launch: { fetchTimeoutSeconds: form.fetchTimeoutSeconds, installTimeoutSeconds: form.installTimeoutSeconds },
      exposedClaims: form.exposedClaims,
      audit: { retentionDays: form.auditRetentionDays },
      lifetime: { ttlSeconds: form.ttlSeconds, extendSeconds: form.ttlExtendSeconds, maxExtends: form.ttlMaxExtends },
    },
  };
}

export function settingsFormOf(settings: Settings): SettingsFormInput {
  return {
    baseDomain: settings.baseDomain,
    connectionUrlTemplate: settings.connectionUrlTemplate ?? "",
    valuesYaml: valuesYamlOf(settings.values),
    defaultQuota: settings.defaultQuota,
    fetchTimeoutSeconds: settings.launch.fetchTimeoutSeconds,
    installTimeoutSeconds: settings.launch.installTimeoutSeconds,
    fluxInterval: settings.flux.interval,
    fluxTimeout: settings.flux.timeout,
    fluxServiceAccount: settings.flux.serviceAccountName ?? "",
    fluxRetries: settings.flux.remediationRetries,
    fluxWait: settings.flux.wait,
    fluxNamespace: settings.flux.namespace ?? "",
    exposedClaims: settings.exposedClaims.join(", "),
    auditRetentionDays: settings.audit.retentionDays,
    ttlSeconds: settings.lifetime.ttlSeconds,
    ttlExtendSeconds: settings.lifetime.extendSeconds,
    ttlMaxExtends: settings.lifetime.maxExtends,
  };
}

/** Groups of settings as the form shows them and messages name them. */
export const SETTING_GROUPS = ["addresses", "limits", "lifetime", "flux", "values", "claims", "audit"] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];
export const GROUP_WORDS: Record<SettingGroup, string> = {
  addresses: "addresses",
  limits: "limits",
  lifetime: "default lifetime",
  flux: "Flux",
  values: "values for templates",
  claims: "exposed claims",
  audit: "audit trail",
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The change from the settings in force to the form's, as the settings use case takes it: only what
 * differs (an empty object when nothing does).
 */
export function settingsChange(before: Settings, after: EditableSettings) {
  const change: {
    baseDomain?: string;
    connectionUrlTemplate?: string | null;
    values?: Record<string, unknown>;
    defaultQuota?: number;
    flux?: Settings["flux"];
    launch?: Partial<Settings["launch"]>;
    exposedClaims?: string[];
    auditRetentionDays?: number;
    lifetime?: Settings["lifetime"];
  } = {};
  if (before.baseDomain !== after.baseDomain) change.baseDomain = after.baseDomain;
  if (before.connectionUrlTemplate !== after.connectionUrlTemplate) change.connectionUrlTemplate = after.connectionUrlTemplate;
  if (!same(before.values, after.values)) change.values = after.values;
  if (before.defaultQuota !== after.defaultQuota) change.defaultQuota = after.defaultQuota;
  if (!same(before.flux, after.flux)) change.flux = after.flux;
  const launch: Partial<Settings["launch"]> = {};
  if (before.launch.fetchTimeoutSeconds !== after.launch.fetchTimeoutSeconds) launch.fetchTimeoutSeconds = after.launch.fetchTimeoutSeconds;
  if (before.launch.installTimeoutSeconds !== after.launch.installTimeoutSeconds) launch.installTimeoutSeconds = after.launch.installTimeoutSeconds;
  if (Object.keys(launch).length > 0) change.launch = launch;
  if (!same(before.exposedClaims, after.exposedClaims)) change.exposedClaims = after.exposedClaims;
  if (before.audit.retentionDays !== after.audit.retentionDays) change.auditRetentionDays = after.audit.retentionDays;
  if (!same(before.lifetime, after.lifetime)) change.lifetime = after.lifetime;
  return change;
}
export type PortalSettingsChange = ReturnType<typeof settingsChange>;

/** The groups a change touches, in the form's order. */
export function changedGroups(change: PortalSettingsChange): SettingGroup[] {
  const groups = new Set<SettingGroup>();
  if ("baseDomain" in change || "connectionUrlTemplate" in change) groups.add("addresses");
  if ("defaultQuota" in change || "launch" in change) groups.add("limits");
  if ("lifetime" in change) groups.add("lifetime");
  if ("flux" in change) groups.add("flux");
  if ("values" in change) groups.add("values");
  if ("exposedClaims" in change) groups.add("claims");
  if ("auditRetentionDays" in change) groups.add("audit");
  return SETTING_GROUPS.filter((group) => groups.has(group));
}

/** What exists that a settings change can reach, counted by the database. */
export interface PortalImpactCounts {
  /** Environments someone owns that are not being torn down (failed ones included). */
  running: number;
  /** Launches under way: Pending or Provisioning. */
  launching: number;
  /** Launches under way that have been at their step longer than the new limit of that step allows. */
  launchingOverdue: number;
  /** Unclaimed pool members, ready or starting. */
  warm: number;
  /** Everything the worker keeps in the cluster: owned and unclaimed alike. */
  live: number;
  /** Templates without a quota of their own, which the default quota governs. */
  templatesOnDefaultQuota: number;
  /** Templates that validate now and would not with the new settings, with the first problem of each. */
  breaking: { name: string; error: string }[];
}

export interface PortalImpactLine {
  text: string;
  /** True when it ends, fails or changes something running: saving then needs a confirmation. */
  ends: boolean;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What saving `change` does, in sentences; empty when it changes nothing that exists. */
export function describePortalImpact(before: Settings, change: PortalSettingsChange, counts: PortalImpactCounts): PortalImpactLine[] {
  const lines: PortalImpactLine[] = [];
  const keep = [counts.running > 0 && count(counts.running, "running environment"), counts.warm > 0 && count(counts.warm, "warm pool member")].filter(Boolean).join(" and ");
  if (change.baseDomain !== undefined || change.connectionUrlTemplate !== undefined) {
    const where = change.baseDomain !== undefined ? `addresses under ${change.baseDomain} instead of ${before.baseDomain}` : "addresses from the new connection URL template";
    lines.push({ text: `New launches get ${where}${keep ? `; the ${keep} keep the addresses they have` : ""}.`, ends: false });
  }
  if (change.values !== undefined) {
    lines.push({ text: `Templates render the new values from the next launch on${keep ? `; the ${keep} keep the values they were rendered with` : ""}.`, ends: false });
  }
  if (change.auditRetentionDays !== undefined) {
    const shorter = change.auditRetentionDays < before.audit.retentionDays;
    lines.push({
      text: shorter
        ? `The worker deletes audit entries older than ${count(change.auditRetentionDays, "day")} (${count(before.audit.retentionDays, "day")} now): those between are gone for good.`
        : `Audit entries are kept ${count(change.auditRetentionDays, "day")} instead of ${before.audit.retentionDays}; none deleted already comes back.`,
      ends: shorter,
    });
  }
  if (change.exposedClaims !== undefined) {
    const added = change.exposedClaims.filter((name) => !before.exposedClaims.includes(name));
    lines.push({
      text: `Templates see ${change.exposedClaims.length ? `the claims ${change.exposedClaims.join(", ")}` : "no claims"} from the next launch on${added.length ? `; ${added.join(", ")} reach${added.length === 1 ? "es" : ""} a user's environments once they sign in again` : ""}.`,
      ends: false,
    });
  }
  if (change.defaultQuota !== undefined) {
    const limit = change.defaultQuota === 0 ? "no limit" : `at most ${count(change.defaultQuota, "running environment")} per person`;
    lines.push({ text: `${count(counts.templatesOnDefaultQuota, "template")} without a quota of ${counts.templatesOnDefaultQuota === 1 ? "its" : "their"} own allow ${limit} at the next launch; nothing running is ended.`, ends: false });
  }
  if (change.lifetime !== undefined) {
    lines.push({ text: `Templates created from now on without a lifetime of their own get ${describeLifetime(change.lifetime)}; existing templates keep theirs.`, ends: false });
  }
  if (change.launch !== undefined) {
    const shorter =
      (change.launch.fetchTimeoutSeconds ?? Infinity) < before.launch.fetchTimeoutSeconds || (change.launch.installTimeoutSeconds ?? Infinity) < before.launch.installTimeoutSeconds;
    if (counts.launchingOverdue > 0) {
      lines.push({ text: `${count(counts.launchingOverdue, "launch", "launches")} under way already took longer than the new limits and will fail at once.`, ends: true });
    } else if (counts.launching > 0) {
      lines.push({ text: `The ${count(counts.launching, "launch", "launches")} under way are held to the new limits${shorter ? ", which are shorter" : ""}.`, ends: false });
    } else lines.push({ text: "Launches from now on are held to the new limits.", ends: false });
  }
  if (change.flux !== undefined) {
    const { namespace: place, ...rest } = change.flux;
    const { namespace: was, ...restBefore } = before.flux;
    // Where releases live reaches new environments only; every other Flux setting reaches them all.
    if ((place ?? null) !== (was ?? null)) {
      const where = place ? `in the namespace ${place}, installing into their own` : "in their own namespace";
      lines.push({ text: `New environments get their Helm release and chart source ${where}${counts.live > 0 ? `; the ${count(counts.live, "environment")} in the cluster keep theirs where they are` : ""}.`, ends: false });
    }
    if (!same(rest, restBefore)) {
      lines.push(
        counts.live > 0
          ? { text: `The worker applies the new Flux settings to the ${count(counts.live, "environment")} in the cluster (${keep || "none owned"}): Flux upgrades each Helm release once.`, ends: true }
          : { text: "Environments launched from now on get the new Flux settings.", ends: false },
      );
    }
  }
  if (counts.breaking.length > 0) {
    const names = counts.breaking.map((t) => t.name);
    lines.push({
      text: `${count(names.length, "template")} would no longer render and leave the catalog: ${names.slice(0, 5).join(", ")}${names.length > 5 ? ` and ${names.length - 5} more` : ""} (${counts.breaking[0]!.error.slice(0, 200)}).`,
      ends: true,
    });
  }
  return lines;
}
