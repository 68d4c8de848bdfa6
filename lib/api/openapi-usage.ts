import { z } from "zod";
import { ClassUsageSchema, UsageQuerySchema } from "./schemas/usage";
import { refTo } from "./schemas/registry";
import { error, jsonContent } from "./openapi-parts";

/**
 * The operation of `/api/v1/classes/{slug}/usage` for the OpenAPI document (lib/api/openapi.ts). Its schemas
 * come from lib/api/schemas/usage.ts; its query parameters are the fields of UsageQuery.
 */

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

export const usagePaths = {
  "/api/v1/classes/{slug}/usage": {
    parameters: [{ name: "slug", in: "path", required: true, description: "The class's short name.", schema: { type: "string", minLength: 1, maxLength: 40 } }],
    get: {
      tags: ["classes"],
      operationId: "getClassUsage",
      summary: "A class's usage report over a range of days (JSON, or CSV with format=csv)",
      description:
        "Environment time used, launches, failures and the median time to ready, for the class, each member, each group owning a group template's environments, and each template of the class's catalogs. " +
        "Time runs from a launch, or from the claim of a warm pool member (a pool member's time before its claim counts for nobody), to its end, clipped to the range. The class's teachers and admins.",
      parameters: queryParameters(UsageQuerySchema),
      responses: {
        "200": {
          description: "The report. With format=csv, a CSV file (formula-like cells prefixed with ') with one line for the class, each member or group and each of their templates, and each template.",
          content: { ...jsonContent(refTo(ClassUsageSchema)), "text/csv": { schema: { type: "string" } } },
        },
        "400": error("A parameter is wrong (code INVALID_INPUT); `fields` names each: a malformed date, an end before the start, more than 366 days, an unknown time zone, an unknown parameter."),
        "401": { $ref: "#/components/responses/Unauthenticated" },
        "403": error("The caller is not a teacher or an admin (code FORBIDDEN)."),
        "404": error("No class the caller teaches has this short name (code NOT_FOUND): another teacher's class is reported as missing."),
      },
    },
  },
};
