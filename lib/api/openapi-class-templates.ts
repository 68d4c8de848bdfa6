import { ClassTemplateChangeResultSchema, ClassTemplateCreateSchema, ClassTemplateListSchema, ClassTemplatePatchSchema, ClassTemplateSchema } from "./schemas/class-template";
import { error, returns, takes, teachersOnly, tooLarge, unauthenticated } from "./openapi-parts";

/**
 * The operations of `/api/v1/class-templates…` for the OpenAPI document (lib/api/openapi.ts). Their schemas
 * come from lib/api/schemas/class-template.ts.
 */

const notFound = error("No live class template of the caller's with this name (code NOT_FOUND): another teacher's is reported as missing.");
const invalid = error(
  "The body is invalid (code INVALID_INPUT); `fields` names each problem: a base that is not open to teachers (`base`), a value path the base does not open (`values`, naming the path), a parameter of the base declared again (`parameters`).",
);
const nameTaken = error("The name is taken by another template, a deleted one included (code CONFLICT, at `fields.name`).");

const nameParameter = { name: "name", in: "path", required: true, description: "The class template's name.", schema: { type: "string", minLength: 1, maxLength: 63 } };

export const classTemplateTag = {
  name: "class-templates",
  description: "Teachers' class templates: a system base with only the values its policy lets teachers change, for their classes (teachers: their own; admins: all).",
};

export const classTemplatePaths = {
  "/api/v1/class-templates": {
    get: {
      tags: ["class-templates"],
      operationId: "listClassTemplates",
      summary: "List my class templates (admins: every teacher's)",
      responses: { "200": returns("By display name.", ClassTemplateListSchema), "401": unauthenticated, "403": teachersOnly },
    },
    post: {
      tags: ["class-templates"],
      operationId: "createClassTemplate",
      summary: "Create a class template from a base open to teachers",
      description: "Owned by the caller, never listed for everyone: students see it through the caller's catalogs for their classes. Validated in full and saved with its audit entry.",
      requestBody: takes(ClassTemplateCreateSchema),
      responses: {
        "201": { ...returns("The new class template.", ClassTemplateSchema), headers: { Location: { description: "The class template under /api/v1/class-templates.", schema: { type: "string" } } } },
        "400": invalid,
        "401": unauthenticated,
        "403": teachersOnly,
        "409": nameTaken,
        "413": tooLarge,
      },
    },
  },
  "/api/v1/class-templates/{name}": {
    parameters: [nameParameter],
    get: {
      tags: ["class-templates"],
      operationId: "getClassTemplate",
      summary: "One of my class templates",
      responses: { "200": returns("The class template.", ClassTemplateSchema), "401": unauthenticated, "403": teachersOnly, "404": notFound },
    },
    patch: {
      tags: ["class-templates"],
      operationId: "patchClassTemplate",
      summary: "Change some fields of one of my class templates",
      description: "Nothing is written (and `changed` is empty) when nothing changed. New values or parameters make a new version.",
      requestBody: takes(ClassTemplatePatchSchema),
      responses: { "200": returns("The class template now, and what changed.", ClassTemplateChangeResultSchema), "400": invalid, "401": unauthenticated, "403": teachersOnly, "404": notFound, "413": tooLarge },
    },
    delete: {
      tags: ["class-templates"],
      operationId: "deleteClassTemplate",
      summary: "Delete one of my class templates",
      description: "Softly: it leaves every catalog and can no longer be launched; running environments are left until they expire. The name stays taken.",
      responses: { "204": { description: "Deleted." }, "401": unauthenticated, "403": teachersOnly, "404": notFound },
    },
  },
};
