import { joinCategory, splitCategory, type TemplateSettings, type TemplateSettingsInput } from "@/lib/domain/template-settings";

/**
 * What the settings form holds while an admin types, and the way to and from the settings the schema checks:
 * numbers stay text until parsed (so a half-typed value is not lost), durations are an amount and a unit,
 * label and annotation rows keep an id of their own (so React keeps focus in the right row when one goes).
 */

export const DURATION_UNITS = [
  { unit: "minutes", seconds: 60 },
  { unit: "hours", seconds: 3600 },
  { unit: "days", seconds: 86_400 },
] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number]["unit"];

export interface Duration {
  amount: string;
  unit: DurationUnit;
}

export interface Row {
  id: number;
  key: string;
  value: string;
}

export interface SettingsFormState {
  displayName: string;
  description: string;
  icon: string;
  category: string;
  subcategory: string;
  enabled: boolean;
  visible: boolean;
  method: string;
  poolSize: string;
  poolMaxSize: string;
  poolRecycle: boolean;
  teacherAccess: boolean;
  poolFallback: string;
  ttl: Duration;
  ttlUnlimited: boolean;
  extend: Duration;
  maxExtends: string;
  useDefaultQuota: boolean;
  quota: string;
  connectionType: string;
  connectionMessageTemplate: string;
  labels: Row[];
  annotations: Row[];
}

let nextRowId = 1;
/** A new row id, unique in this page. */
export function rowId(): number {
  return nextRowId++;
}

/** Seconds as an amount in the largest unit that holds them exactly (else minutes, with decimals). */
export function toDuration(seconds: number): Duration {
  if (seconds <= 0) return { amount: "0", unit: "minutes" };
  for (const { unit, seconds: size } of [...DURATION_UNITS].reverse()) {
    if (seconds % size === 0) return { amount: String(seconds / size), unit };
  }
  return { amount: String(Math.round((seconds / 60) * 100) / 100), unit: "minutes" };
}

/** A duration in whole seconds; NaN when the amount is not a number (the schema then says so). */
export function durationSeconds(duration: Duration): number {
  const text = duration.amount.trim();
  const amount = text === "" ? Number.NaN : Number(text);
  const size = DURATION_UNITS.find((u) => u.unit === duration.unit)?.seconds ?? Number.NaN;
  return Number.isFinite(amount) ? Math.round(amount * size) : Number.NaN;
}

/** A whole number typed as text; NaN when it is not one (the schema then says so). */
function wholeNumber(text: string): number {
  const trimmed = text.trim();
  return trimmed === "" ? Number.NaN : Number(trimmed);
}

export function formStateOf(settings: TemplateSettings): SettingsFormState {
  const parts = splitCategory(settings.category);
  const { category, subcategory } = "problem" in parts ? { category: settings.category, subcategory: "" } : parts;
  const rows = (map: Record<string, string>) => Object.keys(map).sort().map((key) => ({ id: rowId(), key, value: map[key]! }));
  return {
    displayName: settings.displayName,
    description: settings.description,
    icon: settings.icon,
    category,
    subcategory,
    enabled: settings.enabled,
    visible: settings.visible,
    method: settings.method,
    poolSize: String(settings.poolSize),
    poolMaxSize: String(settings.poolMaxSize),
    poolRecycle: settings.poolRecycle,
    teacherAccess: settings.teacherAccess,
    poolFallback: settings.poolFallback,
    ttl: settings.ttlSeconds < 0 ? { amount: "4", unit: "hours" } : toDuration(settings.ttlSeconds),
    ttlUnlimited: settings.ttlSeconds < 0,
    extend: toDuration(settings.ttlExtendSeconds),
    maxExtends: String(settings.ttlMaxExtends),
    useDefaultQuota: settings.maxInstancesPerUser === null,
    quota: settings.maxInstancesPerUser === null ? "" : String(settings.maxInstancesPerUser),
    connectionType: settings.connectionType,
    connectionMessageTemplate: settings.connectionMessageTemplate,
    labels: rows(settings.labels),
    annotations: rows(settings.annotations),
  };
}

/** The settings the form says, for the schema (in the browser) and the server alike. */
export function settingsInputOf(form: SettingsFormState): TemplateSettingsInput {
  const rows = (list: Row[]) => list.map(({ key, value }) => ({ key, value }));
  return {
    displayName: form.displayName,
    description: form.description,
    icon: form.icon as TemplateSettingsInput["icon"],
    category: joinCategory(form.category, form.subcategory),
    enabled: form.enabled,
    visible: form.visible,
    method: form.method as TemplateSettingsInput["method"],
    poolSize: wholeNumber(form.poolSize),
    poolMaxSize: wholeNumber(form.poolMaxSize),
    poolRecycle: form.poolRecycle,
    teacherAccess: form.teacherAccess,
    poolFallback: form.poolFallback as TemplateSettingsInput["poolFallback"],
    ttlSeconds: form.ttlUnlimited ? -1 : durationSeconds(form.ttl),
    ttlExtendSeconds: durationSeconds(form.extend),
    ttlMaxExtends: wholeNumber(form.maxExtends),
    maxInstancesPerUser: form.useDefaultQuota ? null : wholeNumber(form.quota),
    connectionType: form.connectionType as TemplateSettingsInput["connectionType"],
    connectionMessageTemplate: form.connectionMessageTemplate,
    labels: rows(form.labels),
    annotations: rows(form.annotations),
  };
}

/** The id of the input for a settings path (`labels.2.key` → `settings-labels-2-key`), where its errors point. */
export function fieldId(path: string): string {
  return `settings-${path.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

export function errorId(path: string): string {
  return `${fieldId(path)}-error`;
}
