import { z } from "zod";
import { TEMPLATE_ICONS } from "./catalog";
import { MAX_QUOTA } from "./settings";

/**
 * A template's operational settings (docs/architecture.md, "Template"): everything edited in place, beside
 * the versioned spec. One schema for the admin's form in the browser and for the use case on the server, so
 * both give the same error on the same field. Labels and annotations arrive as rows (key, value) in the
 * order the form shows them, so an error names the row; they leave as plain maps.
 */

export const CONNECTION_TYPES = ["web", "instructions"] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];
export const LAUNCH_METHODS = ["on_demand", "pool"] as const;
export const POOL_FALLBACKS = ["on_demand", "refuse"] as const;

export const MAX_DISPLAY_NAME = 100;
export const MAX_DESCRIPTION = 2000;
/** Longest category or subcategory. */
export const MAX_CATEGORY_PART = 40;
/** Shortest limited lifetime: less would end an environment before most charts finish installing. */
export const MIN_TTL_SECONDS = 60;
/** Longest lifetime or extension: a year. */
export const MAX_TTL_SECONDS = 365 * 86_400;
export const MAX_EXTENDS = 100;
/** Most unclaimed members a pool keeps warm. */
export const MAX_POOL_SIZE = 100;
/** Highest cap on a pool template's instances (0 = no cap). */
export const MAX_POOL_MAX_SIZE = 1000;
/** Longest connection message template (the column holds this much). */
export const MAX_MESSAGE_TEMPLATE = 4000;
export const MAX_METADATA_ENTRIES = 50;
export const MAX_LABEL_VALUE = 63;
export const MAX_ANNOTATION_VALUE = 4096;

/**
 * Characters that have no place in a one-line text: control characters, line and paragraph separators, and
 * the bidirectional controls that make text read in another order than it is stored.
 */
export const NOT_ON_A_LINE = /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** The same for a multi-line text, where line breaks and tabs are fine. */
export const NOT_IN_TEXT = /(?![\n\t])[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const PRINTABLE = "Use printable characters only: no line breaks or control characters.";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * What is wrong with a label or annotation key, or null: Kubernetes' qualified names, an optional DNS
 * subdomain prefix (at most 253 characters) and "/", then a name of at most 63 characters.
 */
export function qualifiedNameProblem(key: string): string | null {
  if (key === "") return "Enter a key.";
  const slash = key.indexOf("/");
  const prefix = slash < 0 ? null : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== null) {
    if (prefix === "") return "The prefix before / is empty.";
    if (prefix.length > 253) return "The prefix before / is at most 253 characters.";
    if (!prefix.split(".").every((label) => label.length <= 63 && DNS_LABEL.test(label))) {
      return "The prefix before / must be a DNS name in lowercase, like example.com.";
    }
  }
  if (name === "") return "The name after / is empty.";
  if (name.length > 63) return "The name is at most 63 characters.";
  if (!QUALIFIED_NAME.test(name)) {
    return name.includes("/")
      ? "Use at most one / (prefix/name)."
      : "The name uses letters, digits, -, _ and ., and starts and ends with a letter or digit.";
  }
  return null;
}

/** What is wrong with a label value, or null: empty, or at most 63 characters of the name syntax. */
export function labelValueProblem(value: string): string | null {
  if (value.length > MAX_LABEL_VALUE) return `At most ${MAX_LABEL_VALUE} characters.`;
  if (value !== "" && !QUALIFIED_NAME.test(value)) return "Use letters, digits, -, _ and ., starting and ending with a letter or digit (or leave it empty).";
  return null;
}

/** What is wrong with an annotation value, or null: at most 4096 printable characters. */
export function annotationValueProblem(value: string): string | null {
  if (value.length > MAX_ANNOTATION_VALUE) return `At most ${MAX_ANNOTATION_VALUE} characters.`;
  if (NOT_ON_A_LINE.test(value)) return PRINTABLE;
  return null;
}

/** The parts of a category as typed (`cat` or `cat,subcat`), each trimmed; or why it is not one. */
export function splitCategory(text: string): { category: string; subcategory: string } | { problem: string } {
  const parts = text.split(",").map((part) => part.trim());
  if (parts.length > 2) return { problem: "A category has at most one comma: category,subcategory." };
  const [category = "", subcategory = ""] = parts;
  if (category === "" && subcategory !== "") return { problem: "Enter the category the subcategory belongs to." };
  for (const [what, part] of [["category", category], ["subcategory", subcategory]] as const) {
    if (part.length > MAX_CATEGORY_PART) return { problem: `The ${what} is at most ${MAX_CATEGORY_PART} characters.` };
    if (NOT_ON_A_LINE.test(part)) return { problem: `The ${what}: ${PRINTABLE.charAt(0).toLowerCase()}${PRINTABLE.slice(1)}` };
  }
  return { category, subcategory };
}

/** Joins a category and a subcategory as stored: `cat`, `cat,subcat`, or empty. */
export function joinCategory(category: string, subcategory: string): string {
  const main = category.trim();
  const sub = subcategory.trim();
  return sub ? `${main},${sub}` : main;
}

const typed = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? "Required." : what) });
const wholeNumber = (min: number, max: number, range = `from ${min} to ${max}`) =>
  z
    .number(typed("Enter a whole number."))
    .int({ error: "Enter a whole number." })
    .min(min, { error: `Enter a whole number ${range}.` })
    .max(max, { error: `Enter a whole number ${range}.` });
const flag = z.boolean(typed("Use true or false."));

/** Key/value rows of labels or annotations, checked row by row, leaving as a map. */
function metadataRows(what: "label" | "annotation", valueProblem: (value: string) => string | null) {
  return z
    .array(z.object({ key: z.string(typed("Enter text.")), value: z.string(typed("Enter text.")) }).strict(), typed(`Give the ${what}s as a list of key and value rows.`))
    .max(MAX_METADATA_ENTRIES, { error: `At most ${MAX_METADATA_ENTRIES} ${what}s.` })
    .superRefine((rows, ctx) => {
      const seen = new Set<string>();
      rows.forEach((row, i) => {
        const keyProblem = qualifiedNameProblem(row.key) ?? (seen.has(row.key) ? `The key "${row.key}" is already used above.` : null);
        if (keyProblem) ctx.addIssue({ code: "custom", path: [i, "key"], message: keyProblem });
        const problem = valueProblem(row.value);
        if (problem) ctx.addIssue({ code: "custom", path: [i, "value"], message: problem });
        seen.add(row.key);
      });
    })
    .transform((rows) => Object.fromEntries(rows.map((row) => [row.key, row.value])) as Record<string, string>);
}

/**
 * Each setting's own rules, shared by the settings form (`templateSettingsSchema`) and a new template's fields
 * (`templateFieldsSchema` in template-import.ts), so a field is judged the same way however it arrives.
 */
export const settingFields = {
    displayName: z
      .string(typed("Enter text."))
      .trim()
      .min(1, { error: "Enter a display name." })
      .max(MAX_DISPLAY_NAME, { error: `At most ${MAX_DISPLAY_NAME} characters.` })
      .refine((text) => !NOT_ON_A_LINE.test(text), { error: PRINTABLE }),
    description: z
      .string(typed("Enter text."))
      .transform((text) => text.replace(/\r\n?/g, "\n").trim())
      .pipe(
        z
          .string()
          .max(MAX_DESCRIPTION, { error: `At most ${MAX_DESCRIPTION} characters.` })
          .refine((text) => !NOT_IN_TEXT.test(text), { error: "Use printable characters only (line breaks are fine)." }),
      ),
    icon: z.enum(TEMPLATE_ICONS, { error: "Choose one of the icons." }),
    category: z
      .string(typed("Enter text."))
      .max(200, { error: "At most 200 characters." })
      .transform((text, ctx) => {
        const parts = splitCategory(text);
        if ("problem" in parts) {
          ctx.addIssue({ code: "custom", message: parts.problem });
          return z.NEVER;
        }
        return joinCategory(parts.category, parts.subcategory);
      }),
    enabled: flag,
    visible: flag,
    method: z.enum(LAUNCH_METHODS, { error: "Choose on demand or warm pool." }),
    poolSize: wholeNumber(0, MAX_POOL_SIZE),
    poolMaxSize: wholeNumber(0, MAX_POOL_MAX_SIZE, `from 0 (no limit) to ${MAX_POOL_MAX_SIZE}`),
    poolRecycle: flag,
    // Whether teachers may open their students' environments: a teacher who opens one sees what the student sees.
    teacherAccess: flag,
    poolFallback: z.enum(POOL_FALLBACKS, { error: "Choose on demand or refuse." }),
    ttlSeconds: z
      .number(typed("Enter a whole number of seconds."))
      .int({ error: "Enter a whole number of seconds." })
      .refine((s) => s === -1 || (s >= MIN_TTL_SECONDS && s <= MAX_TTL_SECONDS), {
        error: "Unlimited, or from 1 minute to 365 days.",
      }),
    ttlExtendSeconds: wholeNumber(0, MAX_TTL_SECONDS, "of seconds from 0 to 365 days").refine((s) => s <= 0 || s >= MIN_TTL_SECONDS, {
      error: "0 (no extensions), or at least 1 minute.",
    }),
    ttlMaxExtends: wholeNumber(0, MAX_EXTENDS),
    maxInstancesPerUser: wholeNumber(0, MAX_QUOTA, `from 0 (no limit) to ${MAX_QUOTA}`).nullable(),
    connectionType: z.enum(CONNECTION_TYPES, { error: "Choose web or instructions." }),
    connectionMessageTemplate: z
      .string(typed("Enter text."))
      .transform((text) => text.replace(/\r\n?/g, "\n"))
      .pipe(
        z
          .string()
          .max(MAX_MESSAGE_TEMPLATE, { error: `At most ${MAX_MESSAGE_TEMPLATE} characters.` })
          .refine((text) => !NOT_IN_TEXT.test(text), { error: "Use printable characters only (line breaks are fine)." }),
      ),
};

/** Labels and annotations as a form sends them: rows of key and value, leaving as maps. */
export const labelRows = metadataRows("label", labelValueProblem);
export const annotationRows = metadataRows("annotation", annotationValueProblem);

/** Labels and annotations as a file or an API body sends them: a map of key to value. */
function metadataMap(what: "label" | "annotation", valueProblem: (value: string) => string | null) {
  return z
    .record(z.string(), z.string(typed("Enter text.")), typed(`Give the ${what}s as a map of keys to values.`))
    .superRefine((map, ctx) => {
      const keys = Object.keys(map);
      if (keys.length > MAX_METADATA_ENTRIES) ctx.addIssue({ code: "custom", message: `At most ${MAX_METADATA_ENTRIES} ${what}s.` });
      for (const key of keys.slice(0, MAX_METADATA_ENTRIES)) {
        const keyProblem = qualifiedNameProblem(key);
        if (keyProblem) ctx.addIssue({ code: "custom", path: [key], message: keyProblem });
        else {
          const problem = valueProblem(map[key]!);
          if (problem) ctx.addIssue({ code: "custom", path: [key], message: problem });
        }
      }
    });
}
export const labelMap = metadataMap("label", labelValueProblem);
export const annotationMap = metadataMap("annotation", annotationValueProblem);

/**
 * The rules between settings: a pool's maxSize and size, extensions and their duration, instructions and
 * their text. Each looks only at fields that are valid on their own, so every error shows at once.
 */
export function checkSettingsRules(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  const number = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
  if (value.method === "pool" && number(value.poolSize) && number(value.poolMaxSize) && value.poolMaxSize > 0 && value.poolMaxSize < value.poolSize) {
    ctx.addIssue({ code: "custom", path: ["poolMaxSize"], message: `At least the pool size (${value.poolSize}), or 0 for no limit.` });
  }
  if (number(value.ttlMaxExtends) && value.ttlMaxExtends > 0 && value.ttlExtendSeconds === 0) {
    ctx.addIssue({ code: "custom", path: ["ttlExtendSeconds"], message: "Give extensions a duration, or allow 0 extensions." });
  }
  if (value.connectionType === "instructions" && typeof value.connectionMessageTemplate === "string" && value.connectionMessageTemplate.trim() === "") {
    ctx.addIssue({ code: "custom", path: ["connectionMessageTemplate"], message: "Write the instructions students see, or choose Web." });
  }
}

export const templateSettingsSchema = z
  .object({ ...settingFields, labels: labelRows, annotations: annotationRows })
  .strict()
  .superRefine(checkSettingsRules, { when: () => true });

/**
 * A change to some of the settings, as the REST API sends it: any of them, each by its own rules, with labels
 * and annotations as maps (a change replaces the whole map). The rules between settings are checked once the
 * change is merged onto the saved settings.
 */
export const templateSettingsChangeSchema = z.strictObject({ ...settingFields, labels: labelMap, annotations: annotationMap }).partial();
export type TemplateSettingsChange = z.output<typeof templateSettingsChangeSchema>;

/** The settings as the form and callers send them: labels and annotations as rows. */
export type TemplateSettingsInput = z.input<typeof templateSettingsSchema>;
/** The settings as stored: labels and annotations as maps. */
export type TemplateSettings = z.output<typeof templateSettingsSchema>;
export type SettingName = keyof TemplateSettings;

export const SETTING_NAMES = Object.keys(templateSettingsSchema.shape) as SettingName[];

/** Field errors by path (`displayName`, `labels.2.key`); an unknown field is an error of its own. */
export type SettingsFieldErrors = Record<string, string[]>;

/** Parses settings for the form and the use case alike: the settings, or the errors by field. */
export function parseTemplateSettings(input: unknown): { ok: true; settings: TemplateSettings } | { ok: false; fieldErrors: SettingsFieldErrors } {
  const parsed = templateSettingsSchema.safeParse(input);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const fieldErrors: SettingsFieldErrors = {};
  const add = (path: string, message: string) => {
    const list = (fieldErrors[path] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") for (const key of issue.keys) add(path ? `${path}.${key}` : key, "Not a setting of a template.");
    else add(path || "settings", issue.path.length === 0 && issue.code === "invalid_type" ? "Send the settings as an object." : issue.message);
  }
  return { ok: false, fieldErrors };
}

/** A template's settings from its stored fields. */
export function pickTemplateSettings(template: TemplateSettings): TemplateSettings {
  return Object.fromEntries(SETTING_NAMES.map((name) => [name, template[name]])) as TemplateSettings;
}

/** Settings as the form holds them: labels and annotations as rows, sorted by key. */
export function toSettingsInput(settings: TemplateSettings): TemplateSettingsInput {
  const rows = (map: Record<string, string>) => Object.keys(map).sort().map((key) => ({ key, value: map[key]! }));
  return { ...settings, labels: rows(settings.labels), annotations: rows(settings.annotations) };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k) && (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
  }
  return a === b;
}

/** The settings that differ between two versions (label and annotation maps compare by content). */
export function changedSettings(before: TemplateSettings, after: TemplateSettings): SettingName[] {
  return SETTING_NAMES.filter((name) => !sameValue(before[name], after[name]));
}

/**
 * What a base template may change: how it is described. A base is never listed or launched, so launching
 * fields (method, pool, TTL, quota, enabled, visible, connection) would do nothing there; they would only
 * suggest that its children inherit them, which they do not.
 */
export const BASE_TEMPLATE_SETTINGS: readonly SettingName[] = ["displayName", "description", "icon", "category", "labels", "annotations"];

/** Field errors for the changes a base template cannot take; empty when there are none. */
export function baseTemplateProblems(changed: SettingName[]): SettingsFieldErrors {
  return Object.fromEntries(
    changed
      .filter((name) => !BASE_TEMPLATE_SETTINGS.includes(name))
      .map((name) => [name, ["A base template is never launched, so this cannot be set on it: set it on the templates that extend it."]]),
  );
}
