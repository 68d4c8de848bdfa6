import { DEFAULT_LIFETIME, type LifetimeDefaults } from "@/lib/domain/settings";
import { parseTemplateDraft, type CheckedDraft, type ExportableTemplate, type TemplateDraft } from "@/lib/domain/template-import";
import { DPLOY_API_VERSION, DPLOY_KIND, fromDployTemplate, toDployYaml } from "./dploy";
import { ENVDECK_API_VERSION, ENVDECK_KIND, fromEnvdeckTemplate, toEnvdeckYaml } from "./envdeck-yaml";
import { TemplateError, type TemplateIssue } from "./errors";
import { formatYamlPath, readYamlSource, type ImportNote, type YamlPath, type YamlSource } from "./yaml-source";

/**
 * Template files: reading one an admin pasted or uploaded (a DployTemplate or an Envdeck template, told
 * apart by apiVersion and kind) into a draft, with every problem at its line; and writing a template in
 * either format for download.
 */

export const TEMPLATE_FILE_FORMATS = ["dploy", "envdeck"] as const;
export type TemplateFileFormat = (typeof TEMPLATE_FILE_FORMATS)[number];

export interface TemplateFile {
  format: TemplateFileFormat;
  draft: TemplateDraft;
  /** Fields of the file left out, each with why. */
  ignored: ImportNote[];
  /** Fields read with a change, each with what changed. */
  adjusted: ImportNote[];
  /**
   * Where a problem of the draft lies in the file: an issue of `parseTemplateDraft` (`ttlSeconds`,
   * `spec.chart.repoUrl`) or of the full validation (`valuesTemplate` line 3) becomes one naming the file's
   * field and line (`spec.ttl.seconds`, line 14).
   */
  locate(issue: TemplateIssue): TemplateIssue;
}

const KINDS = `a DployTemplate (${DPLOY_API_VERSION}) or an Envdeck Template (${ENVDECK_API_VERSION})`;
const SPEC_KEYS = ["chart", "valuesTemplate", "valueFiles", "parameters", "connectionUrlTemplate", "ownerClaim", "extends"];
const TEMPLATE_TEXT = ["spec.valuesTemplate", "spec.connectionUrlTemplate", "connectionMessageTemplate"];

function formatOf(source: YamlSource): TemplateFileFormat {
  const { apiVersion, kind } = source.value;
  const refuse = (path: string, message: string): never => {
    const line = source.lineOf([path]) ?? 1;
    throw new TemplateError("schema", [{ path, message, line }]);
  };
  if (kind === undefined) refuse("kind", `is required: this file must be ${KINDS}`);
  if (apiVersion === undefined) refuse("apiVersion", `is required: this file must be ${KINDS}`);
  if (typeof kind === "string" && /List$/.test(kind)) refuse("kind", `${kind} holds several templates: import one template at a time`);
  if (kind === DPLOY_KIND) {
    if (apiVersion !== DPLOY_API_VERSION) refuse("apiVersion", `"${String(apiVersion).slice(0, 60)}" is not a DployTemplate version Envdeck reads (${DPLOY_API_VERSION})`);
    return "dploy";
  }
  if (kind === ENVDECK_KIND) {
    if (apiVersion !== ENVDECK_API_VERSION) refuse("apiVersion", `"${String(apiVersion).slice(0, 60)}" is not an Envdeck template version this Envdeck reads (${ENVDECK_API_VERSION})`);
    return "envdeck";
  }
  return refuse("kind", `"${String(kind).slice(0, 60)}" is not a template Envdeck imports: the file must be ${KINDS}`);
}

/**
 * Reads a template file into a draft. Throws a TemplateError listing every problem with its line: YAML
 * errors and limits, an unknown kind or apiVersion, and fields that cannot be mapped. The draft's own checks
 * (`checkTemplateFile`) and the full validation come after.
 */
export function readTemplateFile(text: unknown, lifetime: LifetimeDefaults = DEFAULT_LIFETIME): TemplateFile {
  const source = readYamlSource(text);
  const format = formatOf(source);
  const mapped = format === "dploy" ? fromDployTemplate(source, lifetime) : fromEnvdeckTemplate(source, lifetime);
  if (mapped.issues.length > 0) throw new TemplateError("schema", mapped.issues);
  const origins = Object.entries(mapped.origins).sort(([a], [b]) => b.length - a.length);
  const locate = (issue: TemplateIssue): TemplateIssue => {
    // Validation names the spec's fields without "spec." and may prefix the template: "web: valuesTemplate".
    let path = issue.path.replace(/^[a-z0-9-]+: /, "");
    if (SPEC_KEYS.includes(path.split(/[.[]/)[0]!)) path = `spec.${path}`;
    const found = origins.find(([draftPath]) => path === draftPath || path.startsWith(`${draftPath}.`) || path.startsWith(`${draftPath}[`));
    if (!found) return issue;
    const [draftPath, origin] = found;
    // Below a mapped field the path goes on in the file (labels.team → metadata.labels.team), except inside
    // values the mapping changed (a parameter list read as a schema).
    const rest = path.slice(draftPath.length).split(".").filter(Boolean);
    const yamlPath: YamlPath = ["labels", "annotations"].includes(draftPath) ? [...origin, ...rest] : origin;
    const start = TEMPLATE_TEXT.includes(draftPath) && issue.line !== undefined ? source.blockStartOf(origin) : undefined;
    const line = start !== undefined ? start + issue.line! - 1 : source.lineOf(yamlPath);
    // The column was inside the template text; the line now counts in the file.
    return { path: formatYamlPath(yamlPath), message: issue.message, ...(line !== undefined && { line }) };
  };
  return { format, draft: mapped.draft, ignored: mapped.ignored, adjusted: mapped.adjusted, locate };
}

/** The draft's shape and limits (`parseTemplateDraft`), with every problem located in the file. */
export function checkTemplateFile(file: TemplateFile, lifetime: LifetimeDefaults = DEFAULT_LIFETIME): CheckedDraft {
  try {
    return parseTemplateDraft(file.draft, lifetime);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new TemplateError(error.kind, error.issues.map(file.locate).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  }
}

/** A template as a file of the given format, with its download name and what the format could not hold. */
export function writeTemplateFile(template: ExportableTemplate, format: TemplateFileFormat): { text: string; filename: string; lost: string[] } {
  if (format === "dploy") {
    const { text, lost } = toDployYaml(template);
    return { text, filename: `${template.name}.dploy.yaml`, lost };
  }
  return { text: toEnvdeckYaml(template), filename: `${template.name}.envdeck.yaml`, lost: [] };
}
