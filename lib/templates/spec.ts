import { z } from "zod";

/**
 * The deployable, versioned part of a template (DESIGN.md: TemplateVersion). Validated here for shape and
 * limits; the deeper checks (JSON Schema, template syntax, CEL) are in validate.ts.
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

export const chartSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("git"), repoUrl: url, path: relativePath, revision }),
  z.object({
    type: z.literal("helm"),
    repoUrl: url.refine((v) => /^https?:\/\//.test(v), "a Helm repository URL starts with http:// or https://"),
    chart: z.string().min(1).max(253).regex(/^[a-z0-9][a-z0-9._-]*$/, "chart names use lowercase letters, digits, . _ -"),
    revision,
  }),
  z.object({
    type: z.literal("oci"),
    repoUrl: url.refine((v) => v.startsWith("oci://"), "an OCI registry URL starts with oci://"),
    chart: z.string().min(1).max(253).regex(/^[a-z0-9][a-z0-9._-]*$/, "chart names use lowercase letters, digits, . _ -"),
    revision,
  }),
]);

export const TEMPLATE_NAME = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

export const versionSpecSchema = z.object({
  chart: chartSchema,
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
});

export type VersionSpec = z.infer<typeof versionSpecSchema>;
export type ChartSource = z.infer<typeof chartSchema>;
