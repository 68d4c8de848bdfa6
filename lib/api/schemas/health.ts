import { z } from "zod";
import { integer } from "./common";
import { responseSchema } from "./registry";

/** `GET /api/health`: liveness and readiness. */
export const HealthSchema = responseSchema(
  "Health",
  z.object({
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    database: z.object({ ok: z.boolean(), latencyMs: integer(), error: z.string().optional() }),
  }),
);
