import { DEFAULT_LIFETIME, type LifetimeDefaults } from "@/lib/domain/settings";
import { describeLifetime, type ExportableTemplate } from "@/lib/domain/template-import";
import { FileMapper, writeYamlText, type MappedTemplate, type YamlPath, type YamlSource } from "./yaml-source";

/**
 * Envdeck's own template file (envdeck.dev/v1, kind Template): every operational field and the deployable
 * spec of the latest version, exactly, so that importing an export gives the same template. `apiVersion` is
 * the format's version; `origin` says which version of which template it was exported from and is not
 * imported (an import starts at version 1).
 *
 *   apiVersion: envdeck.dev/v1
 *   kind: Template
 *   metadata: { name, labels, annotations }
 *   spec: { displayName, description, icon, category, enabled, visible, base, method,
 *           pool: { size, maxSize, recycle, fallback }, ttl: { seconds, extendSeconds, maxExtends },
 *           maxInstancesPerUser, connection: { type, messageTemplate }, engine,
 *           version: { chart, valuesTemplate, valueFiles, parameters, connectionUrlTemplate, ownerClaim, extends } }
 *   origin: { template, version, checksum }
 */

export const ENVDECK_API_VERSION = "envdeck.dev/v1";
export const ENVDECK_KIND = "Template";

const UNKNOWN = `is not a field of an Envdeck template (${ENVDECK_API_VERSION}), so it is not imported`;

/**
 * Maps a parsed Envdeck template file to a draft; missing fields take the defaults of a new template, the
 * lifetime `lifetime` (the portal's settings), which the report names.
 */
export function fromEnvdeckTemplate(source: YamlSource, lifetime: LifetimeDefaults = DEFAULT_LIFETIME): MappedTemplate {
  const m = new FileMapper(source, UNKNOWN);
  const fields: Record<string, unknown> = {};
  const spec: Record<string, unknown> = {};
  const to = (target: Record<string, unknown>, key: string, draftPath: string) => (_: unknown, path: YamlPath) => {
    target[key] = m.take(path, draftPath);
  };
  const field = (key: string) => to(fields, key, key);
  const specField = (key: string) => to(spec, key, `spec.${key}`);

  m.walk([], {
    apiVersion: () => {},
    kind: () => {},
    metadata: () => {},
    spec: () => {},
    origin: "says which version the file was exported from; an import starts at version 1",
  });
  m.walk(["metadata"], { name: field("name"), labels: field("labels"), annotations: field("annotations") });
  if (fields.name === undefined) m.issue(["metadata", "name"], "is required");
  const root = m.walk(["spec"], {
    displayName: field("displayName"),
    description: field("description"),
    icon: field("icon"),
    category: field("category"),
    enabled: field("enabled"),
    visible: field("visible"),
    teacherAccess: field("teacherAccess"),
    base: field("isBase"),
    method: field("method"),
    pool: () => {
      m.walk(["spec", "pool"], { size: field("poolSize"), maxSize: field("poolMaxSize"), recycle: field("poolRecycle"), fallback: field("poolFallback") });
    },
    ttl: () => {
      m.walk(["spec", "ttl"], { seconds: field("ttlSeconds"), extendSeconds: field("ttlExtendSeconds"), maxExtends: field("ttlMaxExtends") });
    },
    maxInstancesPerUser: field("maxInstancesPerUser"),
    connection: () => {
      m.walk(["spec", "connection"], { type: field("connectionType"), messageTemplate: field("connectionMessageTemplate") });
    },
    engine: field("engine"),
    version: () => {
      m.walk(["spec", "version"], {
        chart: (value, path) => {
          spec.chart = m.take(path, "spec.chart");
          // Only the chart's own keys: the spec's schema would drop others without a word.
          const known = ["type", "repoUrl", "path", "chart", "revision"];
          m.walk(path, Object.fromEntries(known.map((key) => [key, () => {}])));
          if (value && typeof value === "object" && !Array.isArray(value)) {
            spec.chart = Object.fromEntries(Object.entries(value).filter(([key]) => known.includes(key)));
            for (const key of known) if (key in value) m.origins[`spec.chart.${key}`] = [...path, key];
          }
        },
        valuesTemplate: specField("valuesTemplate"),
        valueFiles: specField("valueFiles"),
        parameters: specField("parameters"),
        connectionUrlTemplate: specField("connectionUrlTemplate"),
        ownerClaim: specField("ownerClaim"),
        extends: specField("extends"),
      });
    },
  });
  if (!root) m.issue(["spec"], "is required");
  else {
    if (!("version" in root)) m.issue(["spec", "version"], "is required: the deployable spec (chart, valuesTemplate, …)");
    if (!("ttl" in root)) m.adjust(["spec"], `has no ttl: the portal's default lifetime applies (${describeLifetime(lifetime)})`);
  }
  return m.result({ fields, spec });
}

/** A template as an Envdeck template file. */
export function toEnvdeckYaml(template: ExportableTemplate): string {
  const { spec } = template;
  const document = {
    apiVersion: ENVDECK_API_VERSION,
    kind: ENVDECK_KIND,
    metadata: { name: template.name, labels: template.labels, annotations: template.annotations },
    spec: {
      displayName: template.displayName,
      description: template.description,
      icon: template.icon,
      category: template.category,
      enabled: template.enabled,
      visible: template.visible,
      teacherAccess: template.teacherAccess,
      base: template.isBase,
      method: template.method,
      pool: { size: template.poolSize, maxSize: template.poolMaxSize, recycle: template.poolRecycle, fallback: template.poolFallback },
      ttl: { seconds: template.ttlSeconds, extendSeconds: template.ttlExtendSeconds, maxExtends: template.ttlMaxExtends },
      maxInstancesPerUser: template.maxInstancesPerUser,
      connection: { type: template.connectionType, messageTemplate: template.connectionMessageTemplate },
      engine: template.engine,
      version: {
        chart: spec.chart,
        valuesTemplate: spec.valuesTemplate,
        valueFiles: spec.valueFiles,
        parameters: spec.parameters,
        ...(spec.connectionUrlTemplate !== undefined && { connectionUrlTemplate: spec.connectionUrlTemplate }),
        ownerClaim: spec.ownerClaim,
        ...(spec.extends !== undefined && { extends: spec.extends }),
      },
    },
    origin: { template: template.name, version: template.version, checksum: template.checksum },
  };
  const header = `# Envdeck template "${template.name}", exported from its version ${template.version}. Import it under Admin → Templates → New template.`;
  return `${header}\n${writeYamlText(document)}`;
}
