import { z } from "zod";
import { TemplateError } from "./errors";

/** The spec editor's fields: everything arrives as text, with limits before any parsing. */
export const specFormSchema = z.object({
  name: z.string().min(1).max(63),
  chartType: z.enum(["git", "helm", "oci"], { error: "Choose git, helm or oci." }),
  repoUrl: z.string().trim().min(1, "Enter the repository URL.").max(2048),
  path: z.string().trim().max(1024).default(""),
  chart: z.string().trim().max(253).default(""),
  revision: z.string().trim().max(253).default(""),
  valuesTemplate: z.string().max(256 * 1024, "At most 256 KiB.").default(""),
  valueFiles: z.string().max(20_000).default(""),
  parameters: z.string().max(64 * 1024, "At most 64 KiB.").default(""),
  connectionUrlTemplate: z.string().trim().max(2048).default(""),
  ownerClaim: z.string().trim().max(100).default(""),
  extends: z.string().trim().max(63).default(""),
  message: z.string().trim().max(500, "At most 500 characters.").default(""),
});
export type SpecForm = z.infer<typeof specFormSchema>;

/** Turns the editor's text fields into a spec object for the versioning service (which validates it fully). */
export function specFromForm(form: SpecForm): Record<string, unknown> {
  let parameters: unknown = { type: "object", properties: {} };
  if (form.parameters.trim() !== "") {
    try {
      parameters = JSON.parse(form.parameters);
    } catch (error) {
      throw new TemplateError("schema", [{ path: "parameters", message: `is not valid JSON (${(error as Error).message})` }]);
    }
  }
  const chart =
    form.chartType === "git"
      ? { type: "git", repoUrl: form.repoUrl, path: form.path, ...(form.revision && { revision: form.revision }) }
      : { type: form.chartType, repoUrl: form.repoUrl, chart: form.chart, ...(form.revision && { revision: form.revision }) };
  return {
    chart,
    valuesTemplate: form.valuesTemplate.replace(/\r\n/g, "\n"),
    valueFiles: form.valueFiles
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
    parameters,
    ownerClaim: form.ownerClaim,
    ...(form.connectionUrlTemplate && { connectionUrlTemplate: form.connectionUrlTemplate }),
    ...(form.extends && { extends: form.extends }),
  };
}
