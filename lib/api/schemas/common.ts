import { z } from "zod";
import { responseSchema } from "./registry";

/** The error body of every API response that is not a success (lib/api/http.ts, `errorResponse`). */
export const ErrorSchema = responseSchema(
  "Error",
  z.object({
    error: z.string().describe("What went wrong, in words for people."),
    code: z.enum(["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "INVALID_INPUT", "CONFLICT", "QUOTA_EXCEEDED", "POOL_EXHAUSTED", "UNAVAILABLE", "RATE_LIMITED", "PAYLOAD_TOO_LARGE", "INTERNAL"]),
    fields: z.record(z.string(), z.array(z.string())).optional().describe("Problems by field or parameter (dotted paths: `spec.chart.repoUrl`)."),
  }),
);

/** A whole number, as the database stores counts, sizes, seconds and versions. */
export const integer = () => z.number().int();

/** A request that takes no body, or an empty JSON object: anything in it is refused rather than ignored. */
export const EmptyBodySchema = z.strictObject({});
