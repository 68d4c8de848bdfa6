import { z } from "zod";
import { TEMPLATE_ICONS } from "@/lib/domain/catalog";
import { templateFieldsSchema } from "@/lib/domain/template-import";
import { MAX_LIST_QUERY, TEMPLATE_METHODS, TEMPLATE_OWNERS, TEMPLATE_STATES } from "@/lib/domain/template-list";
import {
  checkSettingsRules,
  CONNECTION_TYPES,
  LAUNCH_METHODS,
  MAX_ANNOTATION_VALUE,
  MAX_LABEL_VALUE,
  POOL_FALLBACKS,
  SETTING_NAMES,
  templateSettingsChangeSchema,
  type SettingName,
} from "@/lib/domain/template-settings";
import type { DeleteChoice } from "@/lib/services/templates/delete-template";
import { strictVersionSpecSchema, TEMPLATE_NAME } from "@/lib/templates/spec";
import { STARTER_IDS } from "@/lib/templates/starters";
import { integer } from "./common";
import { requestSchema, responseSchema } from "./registry";

/**
 * Templates over the REST API (`/api/v1/templates…`): the resource as admins read it and as anyone who may
 * launch it reads it, the bodies that create and change it, its spec and versions, its labels and
 * annotations. Request schemas reuse the rules of lib/domain (the settings form's and a new template's), so
 * the API refuses what the forms refuse, with the same words; the use cases check them again.
 */

const fields = {
  ...templateFieldsSchema.shape,
  // The rule is a refinement (templateNameProblem), which JSON Schema cannot carry: said here as well.
  name: templateFieldsSchema.shape.name.meta({
    pattern: TEMPLATE_NAME.source,
    maxLength: 40,
    description: 'Lowercase letters, digits and dashes; unique among every template, deleted ones included; not "new", "import" or "export".',
  }),
};
const nullableInteger = () => integer().nullable();

// ---- Responses ----

/** A spec as stored (lib/templates/spec.ts): typed, without the rules, which were checked when it was saved. */
export const SpecSchema = responseSchema(
  "Spec",
  z
    .object({
      chart: z.discriminatedUnion("type", [
        z.object({ type: z.literal("git"), repoUrl: z.string(), path: z.string(), revision: z.string().optional() }),
        z.object({ type: z.literal("helm"), repoUrl: z.string(), chart: z.string(), revision: z.string().optional() }),
        z.object({ type: z.literal("oci"), repoUrl: z.string(), chart: z.string(), revision: z.string().optional() }),
      ]),
      valuesTemplate: z.string().describe("The Helm values, as a template (docs/template-language.md)."),
      valueFiles: z.array(z.string()).describe("Values files of a git chart, relative to its path."),
      parameters: z.unknown().describe("The launch parameters, as a JSON Schema object."),
      connectionUrlTemplate: z.string().optional(),
      ownerClaim: z.string().describe("The claim that names the owner; empty: the username."),
      extends: z.string().optional().describe("The base template this one extends."),
    })
    .describe("The deployable part of a template: versioned, immutable once saved."),
);

export const TemplateSchema = responseSchema(
  "Template",
  z
    .object({
      name: z.string(),
      displayName: z.string(),
      description: z.string(),
      icon: z.enum(TEMPLATE_ICONS),
      category: z.string().describe('"category" or "category,subcategory"; empty for none.'),
      enabled: z.boolean().describe("False: it cannot be launched."),
      visible: z.boolean().describe("Listed in the student catalog; a hidden template is still launched by name."),
      isBase: z.boolean().describe("A base template is only extended, never listed or launched."),
      labels: z.record(z.string(), z.string()).describe("Kubernetes-style labels: a cluster must have them all to run it."),
      annotations: z.record(z.string(), z.string()),
      method: z.enum(LAUNCH_METHODS).describe("on_demand: each launch installs a chart; pool: launches claim warm members."),
      poolSize: integer().describe("Unclaimed members the pool keeps warm."),
      poolMaxSize: integer().describe("The most instances of the template in all; 0: no limit."),
      poolRecycle: z.boolean(),
      teacherAccess: z.boolean().describe("Teachers may open their students' environments of it from the class view (audited)."),
      poolFallback: z.enum(POOL_FALLBACKS).describe("When no member is free: launch on demand, or refuse."),
      ttlSeconds: integer().describe("How long an environment lives; -1: unlimited."),
      ttlExtendSeconds: integer().describe("What one extension adds; 0: none."),
      ttlMaxExtends: integer(),
      maxInstancesPerUser: nullableInteger().describe("Running environments per user; null: the portal's default quota, 0: no limit."),
      connectionType: z.enum(CONNECTION_TYPES),
      connectionMessageTemplate: z.string().describe("The instructions shown for connectionType instructions, as a template."),
      version: integer().describe("The latest version of the spec."),
      validationError: z.string().nullable().describe("Why it cannot be launched until it is fixed; null when it can."),
      defaultQuota: integer().describe("The portal's default quota now, which applies when maxInstancesPerUser is null."),
    })
    .describe("A template as an admin reads it: every operational setting, and the number of its latest version."),
);

export const TemplateCatalogViewSchema = responseSchema(
  "TemplateCatalogView",
  z
    .object({
      name: z.string(),
      displayName: z.string(),
      description: z.string(),
      icon: z.enum(TEMPLATE_ICONS),
      method: z.enum(LAUNCH_METHODS),
      ttlSeconds: integer().describe("-1: unlimited."),
      warm: integer().describe("Warm pool members free to claim now."),
      parameters: z.record(z.string(), z.unknown()).describe("The launch parameters, as the JSON Schema `POST /api/v1/run/{name}` checks `params` against."),
      unavailable: z.string().nullable().describe("Why it cannot be launched now; null when it can."),
    })
    .describe("A template as someone who may launch it reads it (what its launch page shows)."),
);

export const TemplateSummarySchema = responseSchema(
  "TemplateSummary",
  z.object({
    name: z.string(),
    displayName: z.string(),
    category: z.string(),
    method: z.enum(LAUNCH_METHODS),
    enabled: z.boolean(),
    visible: z.boolean(),
    isBase: z.boolean(),
    ownerName: z.string().nullable().describe("The teacher a class template belongs to; null for a system template."),
    isSystem: z.boolean(),
    validationError: z.string().nullable(),
    version: integer(),
    deletedAt: z.date().nullable(),
    live: integer().describe("Environments someone uses (claimed pool members included)."),
    poolAvailable: integer(),
    poolClaimed: integer(),
    poolTotal: integer(),
  }),
);

export const TemplateListSchema = responseSchema(
  "TemplateList",
  z.object({
    templates: z.array(TemplateSummarySchema).describe("By display name."),
    truncated: z.boolean().describe("More templates match than are listed (500)."),
    totals: z.object({ live: integer(), deleted: integer() }).describe("Templates in all, whatever the filter."),
    categories: z.array(z.string()).describe("The main categories of live templates."),
  }),
);

export const TemplateChangeResultSchema = responseSchema(
  "TemplateChangeResult",
  z.object({
    template: TemplateSchema,
    changed: z.array(z.enum(SETTING_NAMES as [SettingName, ...SettingName[]])).describe("The settings that changed; empty when nothing did (and nothing was written)."),
    impact: z
      .object({
        lines: z.array(z.object({ text: z.string(), ends: z.boolean().describe("It ends or removes something.") })),
        needsConfirmation: z.boolean(),
      })
      .describe("What the change does to running environments and the pool."),
  }),
);

export const TemplateDeleteResultSchema = responseSchema(
  "TemplateDeleteResult",
  z.object({
    name: z.string(),
    ended: z.array(z.string()).describe("The environments ended now (their uuids)."),
    kept: integer().describe("The environments left to run until they expire."),
  }),
);

export const TemplateSpecSchema = responseSchema("TemplateSpec", z.object({ version: integer(), spec: SpecSchema }));

export const SpecSaveResultSchema = responseSchema(
  "SpecSaveResult",
  z.object({
    created: z.boolean().describe("False when the spec was the latest one already: no version was made."),
    version: integer().describe("The latest version now."),
    cascaded: z.array(z.object({ name: z.string(), version: integer() })).describe("Templates that extend this one, rebuilt on it as a new version."),
  }),
);

const versionSummary = {
  version: integer(),
  checksum: z.string().describe("sha256 of the canonical spec."),
  message: z.string(),
  author: z.string().describe('The username of whoever saved it; "system" for the portal.'),
  createdAt: z.date(),
};

export const TemplateVersionSummarySchema = responseSchema("TemplateVersionSummary", z.object(versionSummary));
export const TemplateVersionListSchema = responseSchema("TemplateVersionList", z.object({ versions: z.array(TemplateVersionSummarySchema).describe("Newest first.") }));
export const TemplateVersionSchema = responseSchema("TemplateVersion", z.object({ ...versionSummary, spec: SpecSchema }));

/** Longest label or annotation key: a DNS prefix (253), "/", and a name (63). */
const MAX_METADATA_KEY = 253 + 1 + 63;
const metadataKey = z.string().min(1).max(MAX_METADATA_KEY).describe("A Kubernetes qualified name: an optional DNS prefix and /, then a name (example.com/app).");

export const LabelSchema = requestSchema(
  "Label",
  responseSchema("Label", z.strictObject({ key: metadataKey, value: z.string().max(MAX_LABEL_VALUE).describe("Empty, or a Kubernetes label value.") })),
);
export const AnnotationSchema = requestSchema(
  "Annotation",
  responseSchema("Annotation", z.strictObject({ key: metadataKey, value: z.string().max(MAX_ANNOTATION_VALUE).describe("Printable text on one line.") })),
);
export const LabelListSchema = responseSchema("LabelList", z.object({ labels: z.array(LabelSchema).describe("By key.") }));
export const AnnotationListSchema = responseSchema("AnnotationList", z.object({ annotations: z.array(AnnotationSchema).describe("By key.") }));

// ---- Requests ----

/** `GET /api/v1/templates`: the admin list's filters (lib/domain/template-list.ts), refused rather than ignored when wrong. */
export const TemplateListQuerySchema = z.strictObject({
  q: z.string().max(MAX_LIST_QUERY).optional().describe("Words that must all appear in the name, display name, description or category."),
  state: z.enum(TEMPLATE_STATES).optional(),
  method: z.enum(TEMPLATE_METHODS).optional(),
  category: z.string().max(MAX_LIST_QUERY).optional().describe('A main category; "-" for templates without one.'),
  owner: z.enum(TEMPLATE_OWNERS).optional().describe("system: admins' templates; class: teachers' class templates."),
  deleted: z.enum(["true", "false"]).optional().describe("true: deleted templates instead of live ones."),
});

const createFromFields = z
  .strictObject({ from: z.literal("fields").optional().describe("Leave out, or fields."), ...fields, spec: strictVersionSpecSchema })
  .superRefine(checkSettingsRules, { when: () => true })
  .describe("A new template from its fields and spec; fields left out take the defaults of a new template.");
const createFromStarter = z
  .strictObject({ from: z.literal("starter"), starter: z.enum(STARTER_IDS), name: fields.name, displayName: fields.displayName })
  .describe("A new template from one of the starters the admin pages offer.");
const createByDuplicating = z
  .strictObject({
    from: z.literal("duplicate"),
    source: z.string().max(63).describe("The template copied: its settings, and its latest spec as version 1."),
    name: fields.name,
    displayName: fields.displayName.optional().describe('Left out: the source\'s with "(copy)".'),
  })
  .describe("A copy of another template under a new name.");
const createByImporting = z
  .strictObject({
    from: z.literal("import"),
    yaml: z.string().max(1024 * 1024).describe("A DployTemplate or an Envdeck template file, at most 1 MiB."),
    name: fields.name.optional().describe("Left out: the file's metadata.name."),
  })
  .describe("A template from a file, checked as the admin pages' import checks it.");

export const TemplateCreateSchema = requestSchema(
  "TemplateCreate",
  z.discriminatedUnion("from", [createFromFields, createFromStarter, createByDuplicating, createByImporting], {
    error: 'Choose how to create it: leave "from" out (fields and a spec), or starter, duplicate or import.',
  }),
);

export const TemplatePatchSchema = requestSchema(
  "TemplatePatch",
  z
    .strictObject({
      ...templateSettingsChangeSchema.shape,
      confirm: z.boolean().optional().describe("Needed for a change that ends or removes something; without it such a change is refused with 409."),
    })
    .describe("Some of a template's settings: those left out stay as they are. labels and annotations replace the whole map."),
);

export const TemplateSpecUpdateSchema = requestSchema(
  "TemplateSpecUpdate",
  z.strictObject({
    spec: strictVersionSpecSchema.describe("The new spec, in full."),
    message: z.string().max(500).optional().describe("Why it changed, kept with the version."),
  }),
);

export const TemplateDeleteQuerySchema = z.strictObject({
  environments: z.enum(["keep", "end"] as const satisfies readonly DeleteChoice[]).describe("keep: its environments run until they expire; end: they are ended now."),
});

/** `/versions/{version}`: a whole number from 1. */
export const TemplateVersionPathSchema = z.object({ version: z.string().regex(/^[1-9]\d{0,8}$/, "is a whole number from 1").transform(Number) });
