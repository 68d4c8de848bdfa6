import { z } from "zod";
import { TemplateError, type TemplateIssue } from "@/lib/templates/errors";
import { parseVersionSpec, TEMPLATE_NAME, type VersionSpec } from "@/lib/templates/spec";
import { describeTtl } from "./catalog";
import { DEFAULT_LIFETIME, type LifetimeDefaults } from "./settings";
import {
  annotationMap,
  checkSettingsRules,
  labelMap,
  MAX_EXTENDS,
  MAX_POOL_MAX_SIZE,
  MAX_POOL_SIZE,
  MAX_TTL_SECONDS,
  settingFields,
} from "./template-settings";

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

/** The built-in defaults of a new template's lifetime, as the templates table has them; the settings may say otherwise. */
export const DEFAULT_TTL_SECONDS = DEFAULT_LIFETIME.ttlSeconds;
export const DEFAULT_EXTEND_SECONDS = DEFAULT_LIFETIME.extendSeconds;
export const DEFAULT_MAX_EXTENDS = DEFAULT_LIFETIME.maxExtends;
export { MAX_EXTENDS, MAX_POOL_MAX_SIZE, MAX_POOL_SIZE, MAX_TTL_SECONDS };

/** Why a name cannot be a template's, or null when it can (whether it is taken is asked of the database). */
export function templateNameProblem(name: unknown): string | null {
  if (typeof name !== "string" || name === "") return "is required";
  if (name.length > 40) return "is at most 40 characters";
  if (!TEMPLATE_NAME.test(name)) return "uses lowercase letters, digits and dashes, starting and ending with a letter or digit";
  if (RESERVED_TEMPLATE_NAMES.includes(name)) return `"${name}" is reserved by Envdeck's own pages; choose another name`;
  return null;
}

const f = settingFields;

/**
 * A new template's fields: the settings' own rules (template-settings.ts), each with the default a new
 * template gets, labels and annotations as maps, and what only a new template chooses (its name, whether it
 * is a base, the engine).
 */
export const templateFieldsSchema = z
  .strictObject({
    name: z.string({ error: "is required" }).superRefine((name, ctx) => {
      const problem = templateNameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    displayName: f.displayName,
    description: f.description.default(""),
    icon: f.icon.default("default"),
    category: f.category.default(""),
    enabled: f.enabled.default(true),
    visible: f.visible.default(true),
    isBase: z.boolean({ error: "Use true or false." }).default(false),
    labels: labelMap.default({}),
    annotations: annotationMap.default({}),
    engine: z.literal("flux", { error: "must be flux: Envdeck installs every chart with Flux" }).default("flux"),
    method: f.method.default("on_demand"),
    poolSize: f.poolSize.default(0),
    poolMaxSize: f.poolMaxSize.default(0),
    poolRecycle: f.poolRecycle.default(true),
    // Off unless the file (or an admin, later) turns it on.
    teacherAccess: f.teacherAccess.default(false),
    poolFallback: f.poolFallback.default("on_demand"),
    ttlSeconds: f.ttlSeconds.default(DEFAULT_TTL_SECONDS),
    ttlExtendSeconds: f.ttlExtendSeconds.default(DEFAULT_EXTEND_SECONDS),
    ttlMaxExtends: f.ttlMaxExtends.default(DEFAULT_MAX_EXTENDS),
    maxInstancesPerUser: f.maxInstancesPerUser.default(null),
    connectionType: f.connectionType.default("web"),
    connectionMessageTemplate: f.connectionMessageTemplate.default(""),
  })
  .superRefine(checkSettingsRules, { when: () => true });

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

/** A lifetime default in words, as import reports give it: "4 hours, extended by 1 hour at most 3 times". */
export function describeLifetime(lifetime: LifetimeDefaults): string {
  if (lifetime.ttlSeconds < 0) return "unlimited";
  if (lifetime.maxExtends === 0 || lifetime.extendSeconds === 0) return `${describeTtl(lifetime.ttlSeconds)}, no extensions`;
  const times = lifetime.maxExtends === 1 ? "once" : `at most ${lifetime.maxExtends} times`;
  return `${describeTtl(lifetime.ttlSeconds)}, extended by ${describeTtl(lifetime.extendSeconds)} ${times}`;
}

/** The draft's fields with the lifetime defaults in place of the lifetime fields it leaves out. */
function withLifetime(fields: unknown, lifetime: LifetimeDefaults): unknown {
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) return fields;
  const given = fields as Record<string, unknown>;
  return {
    ...given,
    ttlSeconds: given.ttlSeconds === undefined ? lifetime.ttlSeconds : given.ttlSeconds,
    ttlExtendSeconds: given.ttlExtendSeconds === undefined ? lifetime.extendSeconds : given.ttlExtendSeconds,
    ttlMaxExtends: given.ttlMaxExtends === undefined ? lifetime.maxExtends : given.ttlMaxExtends,
  };
}

/**
 * Checks a draft's fields and spec, reporting every problem at once: field issues by field name (`ttlSeconds`),
 * spec issues under `spec.` (`spec.chart.repoUrl`). Lifetime fields left out take `lifetime` (the portal's
 * settings). Throws a TemplateError of kind "schema".
 */
export function parseTemplateDraft(draft: TemplateDraft, lifetime: LifetimeDefaults = DEFAULT_LIFETIME): CheckedDraft {
  const issues: TemplateIssue[] = [];
  const fields = templateFieldsSchema.safeParse(withLifetime(draft.fields, lifetime));
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
