import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/domain/errors";
import type { LaunchResult } from "@/lib/services/instances/launch";
import { respond } from "./http";
import { LaunchResultSchema } from "./schemas/environment";

/** `POST /api/v1/run/{name}` body: typed parameter values; unknown keys are refused so typos surface. */
const runBodySchema = z.object({ params: z.unknown().optional() }).strict();

/** The launch parameters of a JSON body (`{"params": {...}}`); the service validates the values. */
export function runBodyParams(body: Record<string, unknown>): unknown {
  const parsed = runBodySchema.safeParse(body);
  if (!parsed.success) {
    const unknown = Object.keys(body).filter((key) => key !== "params");
    throw new AppError("INVALID_INPUT", `The body takes only "params" (an object of parameter values); not ${unknown.map((k) => `"${k.slice(0, 40)}"`).join(", ")}.`);
  }
  return parsed.data.params ?? {};
}

/** 200 with the existing instance, 201 (and where to find it) with a new or claimed one. */
export function launchResponse({ outcome, environment }: LaunchResult): Response {
  if (outcome === "existing") return respond(LaunchResultSchema, { ...environment, outcome });
  return respond(LaunchResultSchema, { ...environment, outcome }, 201, { Location: `/api/v1/environments/${environment.uuid}` });
}
