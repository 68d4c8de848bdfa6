import { z } from "zod";
import { TEMPLATE_NAME } from "@/lib/templates/spec";
import { templateNameProblem } from "./template-import";
import { settingFields } from "./template-settings";

/**
 * What a teacher gives for a class template: its name and the base it extends (chosen once), how it is
 * described in the catalog, its own launch parameters and its values template. One schema for the editor,
 * the use cases and the REST API, so each refuses the same input in the same words. What only the database
 * knows (a free name, a base open to teachers, values inside the base's paths, a full render) the use cases
 * check after this.
 */

/** Largest values template a class template may have (value-paths.ts checks it again, in bytes). */
export const MAX_CLASS_VALUES = 64 * 1024;
/** Largest parameter schema, as JSON. */
export const MAX_CLASS_PARAMETERS_JSON = 32 * 1024;

const parameters = z
  .unknown()
  .refine((value) => value !== null && typeof value === "object" && !Array.isArray(value), { error: 'Give the parameters as a JSON Schema object: { "type": "object", "properties": { … } }.' })
  .refine((value) => JSON.stringify(value).length <= MAX_CLASS_PARAMETERS_JSON, { error: `The parameters are at most ${MAX_CLASS_PARAMETERS_JSON / 1024} KiB of JSON.` });

const values = z
  .string({ error: (issue) => (issue.input === undefined ? "Required." : "Enter the values as text (YAML).") })
  .transform((text) => text.replace(/\r\n?/g, "\n"))
  .pipe(z.string().max(MAX_CLASS_VALUES, { error: `The values are at most ${MAX_CLASS_VALUES / 1024} KiB.` }));

/** The parts of a class template a teacher may change after creating it. */
export const classTemplateChangeShape = {
  displayName: settingFields.displayName,
  description: settingFields.description,
  icon: settingFields.icon,
  category: settingFields.category,
  parameters: parameters.describe("The class template's own launch parameters, as a JSON Schema object (string, integer, number and boolean properties)."),
  values: values.describe("Helm values as a template (YAML with {{ }} outputs only), setting only the paths the base lets teachers change."),
};

export const classTemplateInputSchema = z.strictObject({
  name: z
    .string({ error: "Required." })
    .superRefine((name, ctx) => {
      const problem = templateNameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .meta({ pattern: TEMPLATE_NAME.source, maxLength: 40, description: "Lowercase letters, digits and dashes; unique among every template, deleted ones included." }),
  base: z.string({ error: "Choose the base template it extends." }).min(1, { error: "Choose the base template it extends." }).max(63, { error: "No base template has so long a name." }).describe("The system base template it extends: one an admin opened to teachers."),
  displayName: classTemplateChangeShape.displayName,
  description: classTemplateChangeShape.description.default(""),
  icon: classTemplateChangeShape.icon.default("default"),
  category: classTemplateChangeShape.category.default(""),
  parameters: classTemplateChangeShape.parameters.default({ type: "object", properties: {} }),
  values: classTemplateChangeShape.values.default(""),
});

export const classTemplatePatchSchema = z.strictObject(classTemplateChangeShape).partial();

export type ClassTemplateInput = z.output<typeof classTemplateInputSchema>;
export type ClassTemplatePatch = z.output<typeof classTemplatePatchSchema>;

/** The fields a change reports, in the order the editor shows them. */
export const CLASS_TEMPLATE_FIELDS = ["displayName", "description", "icon", "category", "parameters", "values"] as const;
export type ClassTemplateField = (typeof CLASS_TEMPLATE_FIELDS)[number];
