import { z } from "zod";
import { CLASS_TEMPLATE_FIELDS, classTemplateInputSchema, classTemplatePatchSchema } from "@/lib/domain/class-template-rules";
import { TEMPLATE_ICONS } from "@/lib/domain/catalog";
import { requestSchema, responseSchema } from "./registry";

/**
 * Teachers' class templates over the REST API (`/api/v1/class-templates…`): the resource as its owner (or an
 * admin) reads it, and the bodies that create and change it. The request schemas are the editor's own rules
 * (lib/domain/class-template-rules.ts), so the API refuses what the editor refuses, in the same words; the use
 * cases then check the base, the paths and a full render.
 */

const classTemplateShape = {
  name: z.string().describe("The template's name: how students launch it (`/run/{name}`)."),
  base: z.string().describe("The system base template it extends."),
  baseDisplayName: z.string().nullable().describe("The base's display name; null when the base is gone."),
  baseOpen: z.boolean().describe("The base is live and open to teachers: values and parameters can change."),
  allowedPaths: z.array(z.string()).describe("The value paths the base lets it set now (`image.tag`; `resources.*` for everything under resources)."),
  displayName: z.string(),
  description: z.string(),
  icon: z.enum(TEMPLATE_ICONS),
  category: z.string().describe('"category" or "category,subcategory"; empty for none.'),
  parameters: z.unknown().describe("Its own launch parameters, as a JSON Schema object."),
  values: z.string().describe("Its values template: YAML with {{ }} outputs, at the allowed paths only."),
  owner: z.string().nullable().describe("The username of the teacher it belongs to; null when that account is gone."),
  version: z.number().int().describe("The latest version of its spec."),
  validationError: z.string().nullable().describe("Why it cannot be launched until it is fixed; null when it can."),
  catalogs: z.number().int().describe("Live catalogs that list it."),
  createdAt: z.date(),
  updatedAt: z.date(),
};

export const ClassTemplateSchema = responseSchema(
  "ClassTemplate",
  z.object(classTemplateShape).describe("A teacher's class template: a system base with the values the base lets teachers change, seen only by their classes."),
);

export const ClassTemplateListSchema = responseSchema(
  "ClassTemplateList",
  z.object({ classTemplates: z.array(ClassTemplateSchema).describe("By display name: a teacher's own, or every teacher's for an admin.") }),
);

export const ClassTemplateChangeResultSchema = responseSchema(
  "ClassTemplateChangeResult",
  z.object({ ...classTemplateShape, changed: z.array(z.enum(CLASS_TEMPLATE_FIELDS)).describe("What changed; empty when nothing did (and nothing was written).") }),
);

export const ClassTemplateCreateSchema = requestSchema(
  "ClassTemplateCreate",
  classTemplateInputSchema.describe("A new class template: its name, the open base it extends, how it is described, its own parameters and its values."),
);

export const ClassTemplatePatchSchema = requestSchema(
  "ClassTemplatePatch",
  classTemplatePatchSchema.describe("Some fields of a class template: those left out stay as they are. New values or parameters make a new version."),
);
