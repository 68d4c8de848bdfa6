import { z } from "zod";
import { findNul } from "@/lib/domain/text";
import { TemplateError } from "./errors";

/**
 * The deployable, versioned part of a template (docs/architecture.md, "Template version"). Validated here for shape and
 * limits; the deeper checks (JSON Schema, template syntax, a full render with CEL) are `validateChain` in
 * compose.ts.
 */

const url = z
  .string()
  .max(2048)
  .refine((v) => /^(https?|oci|ssh):\/\/[^\s]+$/.test(v) || /^git@[^\s:]+:[^\s]+$/.test(v), "must be an http(s)://, oci://, ssh:// or git@ URL");
const revision = z.string().min(1).max(253).regex(/^[A-Za-z0-9._\-/+]+$/, "letters, digits and . _ - / + only").optional();
const relativePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((v) => !v.startsWith("/") && !v.split("/").includes(".."), "must be a relative path inside the repository, without ..");

/**
 * Dploy writes an OCI chart as `type: helm` with an `oci://` repository URL; Flux needs it as an OCI source,
 * so such a chart is read as `type: oci`.
 */
function helmOciAsOci(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const chart = value as { type?: unknown; repoUrl?: unknown };
  return chart.type === "helm" && typeof chart.repoUrl === "string" && chart.repoUrl.startsWith("oci://") ? { ...chart, type: "oci" } : value;
}

const chartName = z.string().min(1).max(253).regex(/^[a-z0-9][a-z0-9._-]*$/, "chart names use lowercase letters, digits, . _ -");

/** The chart sources, as objects that drop unknown keys (`z.object`) or refuse them (`z.strictObject`). */
function chartSources(object: typeof z.object | typeof z.strictObject) {
  return z.discriminatedUnion("type", [
    object({ type: z.literal("git"), repoUrl: url, path: relativePath, revision }),
    object({ type: z.literal("helm"), repoUrl: url.refine((v) => /^https?:\/\//.test(v), "a Helm repository URL starts with http:// or https://"), chart: chartName, revision }),
    object({ type: z.literal("oci"), repoUrl: url.refine((v) => v.startsWith("oci://"), "an OCI registry URL starts with oci://"), chart: chartName, revision }),
  ]);
}

const chartUnion = chartSources(z.object);

export const chartSchema = z.preprocess(helmOciAsOci, chartUnion);

export const TEMPLATE_NAME = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

function specFields(chart: z.ZodType<z.output<typeof chartUnion>, unknown>) {
  return {
    chart,
    valuesTemplate: z.string().max(256 * 1024).default(""),
    valueFiles: z.array(relativePath).max(20).default([]),
    parameters: z.unknown().default({ type: "object", properties: {} }),
    connectionUrlTemplate: z.string().max(2048).optional(),
    ownerClaim: z
      .string()
      .max(100)
      .regex(/^[A-Za-z0-9_.:/-]*$/, "must be a claim name")
      .default(""),
    extends: z.string().regex(TEMPLATE_NAME, "must be a template name").optional(),
  };
}

function refuseNul(spec: unknown, ctx: z.RefinementCtx): void {
  const path = findNul(spec);
  if (path) ctx.addIssue({ code: "custom", path: path.split("."), message: "must not contain a NUL character" });
}

export const versionSpecSchema = z.object(specFields(chartSchema)).superRefine(refuseNul);

/**
 * The same rules for a spec sent as JSON to the REST API, where an unknown key is refused (a typo must not be
 * dropped silently) and a chart is written as its type says (no Dploy `helm` with an `oci://` URL).
 */
export const strictVersionSpecSchema = z.strictObject(specFields(chartSources(z.strictObject))).superRefine(refuseNul);

export type VersionSpec = z.infer<typeof versionSpecSchema>;
export type ChartSource = z.infer<typeof chartUnion>;

/** Parses a spec's shape and limits; throws a TemplateError naming each field that is wrong. */
export function parseVersionSpec(input: unknown): VersionSpec {
  const parsed = versionSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new TemplateError(
    "schema",
    parsed.error.issues.map((issue) => ({ path: issue.path.join(".") || "spec", message: issue.message })),
  );
}
