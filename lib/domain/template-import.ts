import { z } from "zod";
import { TemplateError, type TemplateIssue } from "@/lib/templates/errors";
import { parseVersionSpec, TEMPLATE_NAME, type VersionSpec } from "@/lib/templates/spec";
import { TEMPLATE_ICONS } from "./catalog";
import { MAX_QUOTA } from "./settings";

/**
 * The operational fields of a new template (docs/architecture.md, "Template"), checked the same way however the
 * template arrives: created blank or from a starter, duplicated, or imported from YAML. Pure, so the limits
 * and every refusal are unit-tested; the use cases check whether a name is taken.
 */

/**
 * Names that would collide with the admin area's own routes: `/admin/templates/new` is the creation page, so
 * a template called "new" could never open its own page there. "import" and "export" are kept for the same
 * reason, for routes the import and export could move to.
 */
export const RESERVED_TEMPLATE_NAMES: readonly string[] = ["new", "import", "export"];

export const MAX_TTL_SECONDS = 366 * 24 * 3600;
/** The defaults of a new template's lifetime, as the templates table has them. */
export const DEFAULT_TTL_SECONDS = 14400;
export const DEFAULT_EXTEND_SECONDS = 3600;
export const DEFAULT_MAX_EXTENDS = 3;
export const MAX_POOL_SIZE = 100;
export const MAX_POOL_MAX_SIZE = 1000;
export const MAX_EXTENDS = 1000;
const MAX_MAP_ENTRIES = 64;

/** Why a name cannot be a template's, or null when it can (whether it is taken is asked of the database). */
export function templateNameProblem(name: unknown): string | null {
  if (typeof name !== "string" || name === "") return "is required";
  if (name.length > 40) return "is at most 40 characters";
  if (!TEMPLATE_NAME.test(name)) return "uses lowercase letters, digits and dashes, starting and ending with a letter or digit";
  if (RESERVED_TEMPLATE_NAMES.includes(name)) return `"${name}" is reserved by Envdeck's own pages; choose another name`;
  return null;
}

// Control characters would hide text or break lines where one line is shown; descriptions may hold newlines.
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_BUT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const oneLine = (max: number) =>
  z
    .string({ error: "must be text" })
    .max(max, `is at most ${max} characters`)
    .refine((v) => !CONTROL.test(v), "must not contain control characters");

// Kubernetes' rules for label and annotation keys (an optional DNS prefix, a name of at most 63 characters)
// and label values: templates hand both to CEL and to cluster placement, which expect them.
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const metadataKey = z
  .string()
  .max(253 + 1 + 63)
  .refine((key) => QUALIFIED_NAME.test(key) && (key.split("/")[0]!.length <= 253 || !key.includes("/")), "must be a key like app or example.com/app");

function stringMap(value: z.ZodType<string>) {
  return z
    .record(metadataKey, value, { error: "must be a map of text keys to text values" })
    .refine((map) => Object.keys(map).length <= MAX_MAP_ENTRIES, `at most ${MAX_MAP_ENTRIES} entries`);
}

const labels = stringMap(z.string({ error: "values must be text" }).max(63).regex(LABEL_VALUE, "values are at most 63 letters, digits, - _ ."));
const annotations = stringMap(
  z
    .string({ error: "values must be text" })
    .max(4096, "values are at most 4096 characters")
    .refine((v) => !CONTROL_BUT_NEWLINES.test(v), "values must not contain control characters"),
);
const count = (max: number) => z.int({ error: "must be a whole number" }).min(0, "must be 0 or more").max(max, `is at most ${max}`);

export const templateFieldsSchema = z
  .strictObject({
    name: z.string({ error: "is required" }).superRefine((name, ctx) => {
      const problem = templateNameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    displayName: oneLine(100).refine((v) => v.trim() !== "", "is required"),
    description: z
      .string({ error: "must be text" })
      .max(2000, "is at most 2000 characters")
      .refine((v) => !CONTROL_BUT_NEWLINES.test(v), "must not contain control characters")
      .default(""),
    icon: z.enum(TEMPLATE_ICONS, { error: `must be one of ${TEMPLATE_ICONS.join(", ")}` }).default("default"),
    category: oneLine(100)
      .refine((v) => v.split(",").length <= 2, 'is "category" or "category,subcategory"')
      .default(""),
    enabled: z.boolean({ error: "must be true or false" }).default(true),
    visible: z.boolean({ error: "must be true or false" }).default(true),
    isBase: z.boolean({ error: "must be true or false" }).default(false),
    labels: labels.default({}),
    annotations: annotations.default({}),
    engine: z.literal("flux", { error: "must be flux: Envdeck installs every chart with Flux" }).default("flux"),
    method: z.enum(["on_demand", "pool"], { error: "must be on_demand or pool" }).default("on_demand"),
    poolSize: count(MAX_POOL_SIZE).default(0),
    poolMaxSize: count(MAX_POOL_MAX_SIZE).default(0),
    poolRecycle: z.boolean({ error: "must be true or false" }).default(true),
    poolFallback: z.enum(["on_demand", "refuse"], { error: "must be on_demand or refuse" }).default("on_demand"),
    ttlSeconds: z
      .int({ error: "must be a whole number of seconds" })
      .refine((v) => v === -1 || (v >= 1 && v <= MAX_TTL_SECONDS), `is -1 (unlimited) or 1 to ${MAX_TTL_SECONDS} seconds`)
      .default(DEFAULT_TTL_SECONDS),
    ttlExtendSeconds: count(MAX_TTL_SECONDS).default(DEFAULT_EXTEND_SECONDS),
    ttlMaxExtends: count(MAX_EXTENDS).default(DEFAULT_MAX_EXTENDS),
    maxInstancesPerUser: count(MAX_QUOTA).nullable().default(null),
  })
  .superRefine((fields, ctx) => {
    if (fields.poolMaxSize > 0 && fields.poolMaxSize < fields.poolSize) {
      ctx.addIssue({ code: "custom", path: ["poolMaxSize"], message: "must be 0 (no cap) or at least the pool size" });
    }
  });

/** What a template's operational fields arrive as, before defaults are applied. */
export type TemplateFieldsInput = z.input<typeof templateFieldsSchema>;
/** The operational fields of a new template, checked and completed with defaults. */
export type TemplateFieldValues = z.output<typeof templateFieldsSchema>;

/** A new template as it arrives from a form, a starter, a duplicate or a YAML file, checked by `parseTemplateDraft`. */
export interface TemplateDraft {
  fields: Record<string, unknown>;
  spec: unknown;
}

/** A draft that passed every shape and limit check; the full render is the use case's (it needs the library). */
export interface CheckedDraft {
  fields: TemplateFieldValues;
  spec: VersionSpec;
}

/**
 * Checks a draft's fields and spec, reporting every problem at once: field issues by field name (`ttlSeconds`),
 * spec issues under `spec.` (`spec.chart.repoUrl`). Throws a TemplateError of kind "schema".
 */
export function parseTemplateDraft(draft: TemplateDraft): CheckedDraft {
  const issues: TemplateIssue[] = [];
  const fields = templateFieldsSchema.safeParse(draft.fields);
  if (!fields.success) {
    for (const issue of fields.error.issues) {
      const path = issue.path.map(String).join(".") || "fields";
      // An unknown field is named by itself: zod reports it at the object with the keys in the message.
      if (issue.code === "unrecognized_keys") for (const key of issue.keys) issues.push({ path: key, message: "is not a template field" });
      // A bad key of labels or annotations: zod puts the key's own complaint inside.
      else if (issue.code === "invalid_key") issues.push({ path, message: issue.issues[0]?.message ?? issue.message });
      else issues.push({ path, message: issue.message });
    }
  }
  let spec: VersionSpec | undefined;
  try {
    spec = parseVersionSpec(draft.spec);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    issues.push(...error.issues.map((issue) => ({ ...issue, path: issue.path === "spec" ? "spec" : `spec.${issue.path}` })));
  }
  if (issues.length > 0) throw new TemplateError("schema", issues);
  return { fields: fields.data!, spec: spec! };
}

/** A template as it is exported: its operational fields and its latest version's spec, with that version's number and checksum. */
export interface ExportableTemplate extends TemplateFieldValues {
  spec: VersionSpec;
  version: number;
  checksum: string;
}
