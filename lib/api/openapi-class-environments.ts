import { z } from "zod";
import { CLASS_SLUG } from "@/lib/domain/classes";
import { ClassBulkRequestSchema, ClassBulkResultSchema, ClassEnvironmentsQuerySchema, ClassEnvironmentsSchema } from "./schemas/class-environments";
import { returns, takes } from "./openapi-parts";

/**
 * A class's environments in the OpenAPI document (lib/api/openapi.ts): the teacher's live class view and its
 * bulk actions. Kept apart so the document's own file stays a list of areas.
 */

const response = (name: string) => ({ $ref: `#/components/responses/${name}` });
const signedIn = { "401": response("Unauthenticated") };

/** The query parameters of a query schema, one per field, each with its JSON Schema. */
function queryParameters(schema: z.ZodObject): object[] {
  const json = z.toJSONSchema(schema, { io: "input" }) as { properties: Record<string, { description?: string }>; required?: string[] };
  return Object.entries(json.properties).map(([name, { description, ...fieldSchema }]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    ...(description && { description }),
    schema: fieldSchema,
  }));
}

const classParameter = { name: "slug", in: "path", required: true, description: "The class's short name.", schema: { type: "string", pattern: CLASS_SLUG.source } };
const classNotFound = { ...response("NotFound"), description: "No such class among the caller's (teachers see only the classes they teach; code NOT_FOUND)." };
const teachersOnly = { ...response("Forbidden"), description: "The caller is not a teacher, or a cookie-authenticated change came from another site (code FORBIDDEN)." };

/** A class's environments: the teacher's live class view and its bulk actions. */
export const classEnvironmentPaths = {
  "/api/v1/classes/{slug}/environments": {
    parameters: [classParameter],
    get: {
      tags: ["classes"],
      operationId: "getClassEnvironments",
      summary: "A class's students by the templates of its catalogs, with each one's environment now",
      description: "Teachers of the class and admins. Poll it to follow a class live.",
      parameters: queryParameters(ClassEnvironmentsQuerySchema),
      responses: { "200": returns("The class view.", ClassEnvironmentsSchema), "400": { ...response("InvalidInput"), description: "A parameter is given twice, or holds a NUL character (code INVALID_INPUT)." }, ...signedIn, "403": teachersOnly, "404": classNotFound },
    },
  },
  "/api/v1/classes/{slug}/environments/bulk": {
    parameters: [classParameter],
    post: {
      tags: ["classes"],
      operationId: "runClassBulkAction",
      summary: "End or extend environments of a class's students",
      description:
        "With dryRun, says what would happen and the count to confirm; without, acts once `confirm` is that count (409 otherwise, nothing changed). " +
        "Only the live environments of the class's students of its templates are acted on; any other uuid is reported as not found.",
      requestBody: takes(ClassBulkRequestSchema),
      responses: {
        "200": returns("What happened (or would happen) to each environment.", ClassBulkResultSchema),
        "400": response("InvalidInput"),
        ...signedIn,
        "403": teachersOnly,
        "404": classNotFound,
        "409": { ...response("Conflict"), description: "Not confirmed, or the count changed since the preview: nothing was changed (code CONFLICT)." },
        "413": response("PayloadTooLarge"),
      },
    },
  },
};
