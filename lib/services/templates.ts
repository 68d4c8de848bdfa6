import "server-only";
import { db, type Prisma } from "@/lib/db/client";
import { specChecksum } from "@/lib/templates/checksum";

/** The deployable part of a template, versioned as a whole (see TemplateVersion in DESIGN.md). */
export interface TemplateSpec {
  chart:
    | { type: "git"; repoUrl: string; path: string; revision?: string }
    | { type: "helm" | "oci"; repoUrl: string; chart: string; revision?: string };
  valuesTemplate: string;
  valueFiles: string[];
  parameters: Record<string, unknown>;
  connectionUrlTemplate?: string;
  ownerClaim: string;
  extends?: string;
}

export interface NewTemplate {
  name: string;
  displayName: string;
  description?: string;
  icon?: Prisma.TemplateCreateInput["icon"];
  category?: string;
  method?: "on_demand" | "pool";
  poolSize?: number;
  poolMaxSize?: number;
  ttlSeconds?: number;
  ttlExtendSeconds?: number;
  ttlMaxExtends?: number;
  visible?: boolean;
  enabled?: boolean;
  isBase?: boolean;
  spec: TemplateSpec;
}

function versionColumns(spec: TemplateSpec) {
  const chart = spec.chart;
  return {
    chartType: chart.type,
    chartRepoUrl: chart.repoUrl,
    chartPath: chart.type === "git" ? chart.path : null,
    chartName: chart.type === "git" ? null : chart.chart,
    chartRevision: chart.revision ?? null,
    valuesTemplate: spec.valuesTemplate,
    valueFiles: spec.valueFiles,
    parameters: spec.parameters as Prisma.InputJsonValue,
    connectionUrlTemplate: spec.connectionUrlTemplate ?? null,
    ownerClaim: spec.ownerClaim,
    extendsName: spec.extends ?? null,
    checksum: specChecksum(spec),
  };
}

/** Creates a template with its first version. Callers check permissions; seeding runs as the system. */
export async function createTemplate(input: NewTemplate, actor: { id: string | null; name: string }) {
  const { spec, ...fields } = input;
  return db().$transaction(async (tx) => {
    const template = await tx.template.create({ data: { ...fields, ownerId: null } });
    await tx.templateVersion.create({
      data: { templateId: template.id, version: 1, authorId: actor.id, message: "Created", ...versionColumns(spec) },
    });
    await tx.auditEvent.create({
      data: {
        actorId: actor.id,
        actorName: actor.name,
        action: "template.create",
        objectType: "template",
        objectId: template.id,
        after: { ...fields, spec } as unknown as Prisma.InputJsonValue,
      },
    });
    return template;
  });
}
