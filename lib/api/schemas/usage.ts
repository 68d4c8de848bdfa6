import { z } from "zod";
import { USAGE_DEFAULT_DAYS, USAGE_MAX_DAYS } from "@/lib/domain/usage";
import { integer } from "./common";
import { requestSchema, responseSchema } from "./registry";

/**
 * A class's usage report over the REST API (`GET /api/v1/classes/{slug}/usage`): its query, and the report as
 * JSON. The dates and the time zone are checked by lib/domain/usage.ts, which names each problem by its
 * parameter; the schema bounds their length and refuses unknown parameters.
 */

export const UsageQuerySchema = requestSchema(
  "UsageQuery",
  z.strictObject({
    from: z.string().max(40).optional().describe(`The first day, YYYY-MM-DD, in \`tz\`. Default: ${USAGE_DEFAULT_DAYS - 1} days before \`to\`.`),
    to: z.string().max(40).optional().describe(`The last day (included), YYYY-MM-DD, in \`tz\`. Default: today. At most ${USAGE_MAX_DAYS} days after \`from\`.`),
    tz: z.string().max(64).optional().describe("An IANA time zone the days are read in, such as Europe/Paris. Default: UTC."),
    format: z.enum(["json", "csv"]).optional().describe("csv: the report as a CSV download (text/csv) instead of JSON."),
  }),
);

const figures = {
  timeUsedMs: integer().min(0).describe("Environment time used inside the range, in milliseconds: from each launch or claim to its end (or now, for one still running), clipped to the range."),
  launches: integer().min(0).describe("Launches and claims of warm pool members that started inside the range."),
  failures: integer().min(0).describe("Of those, launches that failed before they were ready."),
  medianMsToReady: z.number().min(0).nullable().describe("The median time from a launch to Ready, in milliseconds; a claimed warm pool member is ready at once (0). Null when none was ready."),
};

const templateFigures = z.object({ name: z.string(), displayName: z.string(), ...figures });

export const ClassUsageSchema = responseSchema(
  "ClassUsage",
  z
    .object({
      class: z.object({ slug: z.string(), title: z.string() }),
      range: z.object({
        from: z.string().describe("The first day, YYYY-MM-DD."),
        to: z.string().describe("The last day, included."),
        timeZone: z.string(),
        start: z.date().describe("The first instant of the range."),
        end: z.date().describe("The instant the range ends (the start of the day after `to`), not included."),
      }),
      total: z.object(figures).describe("The whole class: the sum of every row of `owners`."),
      owners: z
        .array(
          z.object({
            kind: z.enum(["student", "group"]).describe("student: a member, by username. group: a group that owns the shared environments of a group template; not counted under any student."),
            name: z.string(),
            displayName: z.string().nullable(),
            ...figures,
            templates: z.array(templateFigures).describe("Their figures per template they used in the range."),
          }),
        )
        .describe("Every member, with zeros when they used nothing, then groups that used something."),
      templates: z.array(templateFigures).describe("Every template of the class's catalogs, with zeros when unused."),
      generatedAt: z.date(),
    })
    .describe("A class's usage over a range of days: its members' environments of the templates of its catalogs."),
);

export type ClassUsageBody = z.input<typeof ClassUsageSchema>;
