import "server-only";
import { loadTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { TEMPLATE_FILE_FORMATS, writeTemplateFile, type TemplateFileFormat } from "@/lib/templates/template-file";

export interface TemplateExport {
  filename: string;
  text: string;
  /** What the format could not hold (DployTemplate only): also written as comments at the top of the file. */
  lost: string[];
}

/**
 * A template's latest version and operational fields as a file: a DployTemplate (for Dploy, or another
 * Envdeck), or Envdeck's own format, which keeps everything, so importing it gives the same template.
 */
export async function exportTemplate(identity: Identity | null, input: { name: unknown; format: unknown }): Promise<TemplateExport> {
  assertCan(identity, "template:edit");
  const format = input?.format as TemplateFileFormat;
  if (!TEMPLATE_FILE_FORMATS.includes(format)) {
    throw new AppError("INVALID_INPUT", `Export as ${TEMPLATE_FILE_FORMATS.join(" or ")}.`, { format: [`must be ${TEMPLATE_FILE_FORMATS.join(" or ")}`] });
  }
  const template = await loadTemplate({ name: input.name as string });
  return writeTemplateFile(
    {
      name: template.name,
      displayName: template.displayName,
      description: template.description,
      icon: template.icon,
      category: template.category,
      enabled: template.enabled,
      visible: template.visible,
      isBase: template.isBase,
      labels: template.labels,
      annotations: template.annotations,
      // Flux is the only engine there is; the column exists for the day there are others.
      engine: "flux",
      method: template.method,
      poolSize: template.poolSize,
      poolMaxSize: template.poolMaxSize,
      poolRecycle: template.poolRecycle,
      teacherAccess: template.teacherAccess,
      poolFallback: template.poolFallback,
      ttlSeconds: template.ttlSeconds,
      ttlExtendSeconds: template.ttlExtendSeconds,
      ttlMaxExtends: template.ttlMaxExtends,
      maxInstancesPerUser: template.maxInstancesPerUser,
      connectionType: template.connectionType,
      connectionMessageTemplate: template.connectionMessageTemplate,
      spec: template.latest.spec,
      version: template.latest.version,
      checksum: template.latest.checksum,
    },
    format,
  );
}
