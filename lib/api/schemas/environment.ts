import { z } from "zod";
import { PHASES } from "@/lib/domain/phase";
import { integer } from "./common";
import { requestSchema, responseSchema } from "./registry";

/** Environments (instances, in the code) over the REST API: `/api/v1/environments…`, launches and the Dploy-compatible paths. */

const dateTime = () => z.iso.datetime();

export const EnvironmentSchema = responseSchema(
  "Environment",
  z
    .object({
      uuid: z.string().regex(/^[0-9a-f]{8}$/).describe("The instance's id."),
      name: z.string().describe("The template's name."),
      displayName: z.string(),
      icon: z.string(),
      version: integer().describe("The template version the instance was created from."),
      owner: z.string().nullable().describe("The owner key: a username, or a group for shared instances."),
      shared: z.boolean().describe("True when owned by a group rather than the caller."),
      phase: z.enum(PHASES),
      status: z.enum(["pending", "Progressing", "Healthy", "Degraded", "Deleting"]).describe("Dploy-compatible one-word status."),
      step: z.string().nullable().describe("The provisioning step Flux last reported (applying, fetching, installing, ready); kept when the instance fails."),
      health: z.string().nullable(),
      message: z.string().nullable().describe("What the engine or Flux last reported, as they wrote it."),
      problem: z
        .object({
          kind: z.enum(["source-unreachable", "chart-not-found", "install-failed", "timed-out", "cluster-unreachable", "cluster-credentials", "forbidden", "flux-missing", "rejected", "no-cluster", "unknown"]),
          summary: z.string().describe("For the owner: what happened and what they can do."),
          fix: z.string().describe("For staff: where to look to fix it."),
        })
        .nullable()
        .describe("What is wrong, in plain words; null while nothing is. A failed instance always has one."),
      url: z.string().nullable().describe("Where the environment is reached once Ready."),
      connectionType: z.enum(["web", "instructions"]).describe("How to reach it once Ready: web opens the url; instructions follows connectionMessage."),
      connectionMessage: z.string().max(8000).nullable().describe("Plain text on how to connect, rendered at launch (values in it cannot add lines); null for web."),
      namespace: z.string().nullable(),
      engine: z.string(),
      engineRef: z.string().nullable(),
      pooled: z.boolean().describe("True for a member of a warm pool."),
      params: z.record(z.string(), z.unknown()).describe("The launch parameters, with defaults applied."),
      createdAt: dateTime(),
      claimedAt: dateTime().nullable(),
      readyAt: dateTime().nullable(),
      expiresAt: dateTime().nullable().describe("Null when the TTL is unlimited."),
      isUnlimited: z.boolean(),
      extendCount: integer().min(0),
      maxExtends: integer(),
      extendSeconds: integer(),
      extensionsLeft: integer().nullable().describe("Extensions still possible (0 for a failed instance); null when the TTL is unlimited."),
    })
    .describe("One instance of a template, as its owner sees it. Rendered Helm values stay on the server."),
);

export const LaunchResultSchema = responseSchema(
  "LaunchResult",
  EnvironmentSchema.extend({ outcome: z.enum(["existing", "claimed", "created"]).describe("existing (200), claimed from the warm pool or created (201).") }),
);

const quota = z.object({
  used: integer().describe("Live instances owned by the caller's username."),
  limit: integer().nullable().describe("The limit per user that applies to launching; null when unlimited."),
  templates: z
    .array(z.object({ name: z.string(), displayName: z.string(), limit: integer().nullable() }))
    .describe("Templates with a limit of their own: launching one of those is held to that limit instead."),
});

export const EnvironmentListSchema = responseSchema("EnvironmentList", z.object({ environments: z.array(EnvironmentSchema), count: integer(), quota }));

export const DployEnvironmentListSchema = responseSchema(
  "DployEnvironmentList",
  EnvironmentListSchema.extend({ limit: integer().nullable().describe("Same as quota.limit.") }),
);

/** `POST /api/v1/run/{name}`: unknown keys are refused so typos surface; the launch checks the values. */
export const RunRequestSchema = requestSchema(
  "RunRequest",
  z.strictObject({ params: z.record(z.string(), z.unknown()).optional().describe("Launch parameter values, typed as the template's schema says.") }),
);
