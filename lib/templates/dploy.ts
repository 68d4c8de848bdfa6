import { TEMPLATE_ICONS } from "@/lib/domain/catalog";
import { describeTtl } from "@/lib/domain/catalog";
import { DEFAULT_LIFETIME, type LifetimeDefaults } from "@/lib/domain/settings";
import { describeLifetime, MAX_EXTENDS, type ExportableTemplate } from "@/lib/domain/template-import";
import { TemplateError } from "./errors";
import { goToLiquid, liquidToGo } from "./go-template";
import { toParameterSchema, type SimpleParameter } from "./parameters";
import { FileMapper, writeYamlText, type MappedTemplate, type YamlPath, type YamlSource } from "./yaml-source";

/**
 * DployTemplate (dploy.dev/v1alpha1), the catalog entry of Dploy, mapped to an Envdeck template and back.
 * Every field of Dploy's documented spec is read: metadata.name, labels and annotations; spec.displayName,
 * description, icon, category, enabled, visible, ownerClaim, method, pool (size, maxSize, recycle), engine,
 * chart (git, helm, or helm with an oci:// URL: repoURL, path, chart, targetRevision, and branch, tag or
 * version written instead of targetRevision), valuesTemplate, valueFiles, connectionURLTemplate, connectionType and connectionMessageTemplate, ttl
 * (seconds, extendSeconds, maxExtends), maxInstancesPerUser and parameters. What Envdeck cannot use is
 * listed with the reason; what it reads with a change (Go template syntax, Dploy's "0 means the default") is
 * listed too. Pure: the use cases validate the result as they validate any new template.
 */

export const DPLOY_API_VERSION = "dploy.dev/v1alpha1";
export const DPLOY_KIND = "DployTemplate";

const UNKNOWN = "is not a DployTemplate field (dploy.dev/v1alpha1), so Envdeck has no use for it";
const SET_BY_KUBERNETES = "is kept by Kubernetes for the object it stored; a new template has none";
const VERSION_LIKE = /^v?\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?$/;

const isText = (value: unknown): value is string => typeof value === "string";

/**
 * Maps a parsed DployTemplate to a draft; `source.value` must already be known to be one (apiVersion and kind).
 * A missing ttl, or Dploy's 0, takes `lifetime` (the portal's settings), and the report says which it is.
 */
export function fromDployTemplate(source: YamlSource, lifetime: LifetimeDefaults = DEFAULT_LIFETIME): MappedTemplate {
  const m = new FileMapper(source, UNKNOWN);
  const fields: Record<string, unknown> = { engine: "flux", isBase: false };
  const spec: Record<string, unknown> = {};
  const put = (target: Record<string, unknown>, key: string, from: YamlPath, to: string) => {
    target[key] = m.take(from, to);
  };

  m.walk([], {
    apiVersion: () => {},
    kind: () => {},
    metadata: () => {},
    spec: () => {},
    status: "is reported by Dploy's controller; Envdeck counts its own pool members",
  });

  m.walk(["metadata"], {
    name: (_, path) => put(fields, "name", path, "name"),
    namespace: "is where Dploy kept the object; Envdeck keeps templates in its database, in no namespace",
    generateName: "asks Kubernetes to make up a name; an Envdeck template needs metadata.name",
    labels: (_, path) => put(fields, "labels", path, "labels"),
    annotations: (value, path) => {
      fields.annotations = m.take(path, "annotations");
      const lastApplied = "kubectl.kubernetes.io/last-applied-configuration";
      if (value && typeof value === "object" && !Array.isArray(value) && lastApplied in value) {
        const { [lastApplied]: _, ...rest } = value as Record<string, unknown>;
        fields.annotations = rest;
        m.ignore([...path, lastApplied], "is written by kubectl apply (a copy of the object itself)");
      }
    },
    ...Object.fromEntries(
      ["uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "ownerReferences", "finalizers", "selfLink"].map(
        (key) => [key, SET_BY_KUBERNETES],
      ),
    ),
  });
  if (fields.name === undefined) m.issue(["metadata", "name"], "is required");

  const root = m.walk(["spec"], {
    displayName: (_, path) => put(fields, "displayName", path, "displayName"),
    description: (_, path) => put(fields, "description", path, "description"),
    icon: (value, path) => {
      fields.icon = m.take(path, "icon");
      if (isText(value) && !(TEMPLATE_ICONS as readonly string[]).includes(value)) {
        fields.icon = "default";
        m.adjust(path, `"${value.slice(0, 40)}" is not an icon Envdeck has (${TEMPLATE_ICONS.join(", ")}): the default icon is shown`);
      }
    },
    category: (_, path) => put(fields, "category", path, "category"),
    enabled: (_, path) => put(fields, "enabled", path, "enabled"),
    visible: (_, path) => put(fields, "visible", path, "visible"),
    ownerClaim: (_, path) => put(spec, "ownerClaim", path, "spec.ownerClaim"),
    method: (value, path) => {
      m.take(path, "method");
      if (value === "on-demand" || value === "pool") fields.method = value === "pool" ? "pool" : "on_demand";
      else m.issue(path, "must be on-demand or pool");
    },
    pool: () => readPool(m, fields),
    engine: (value, path) => {
      m.take(path, "engine");
      if (value === "argocd") m.ignore(path, "argocd is not an engine Envdeck has: it installs every chart with Flux");
      else if (value !== "flux") m.issue(path, "must be flux or argocd");
    },
    chart: () => readChart(m, spec),
    valuesTemplate: (value, path) => {
      spec.valuesTemplate = translated(m, value, path, "spec.valuesTemplate");
    },
    valueFiles: (_, path) => put(spec, "valueFiles", path, "spec.valueFiles"),
    connectionURLTemplate: (value, path) => {
      const text = translated(m, value, path, "spec.connectionUrlTemplate");
      // Dploy's empty string means "the cluster-wide template", as a missing one does in Envdeck.
      if (text !== "") spec.connectionUrlTemplate = text;
    },
    ttl: () => readTtl(m, fields, lifetime),
    maxInstancesPerUser: (_, path) => put(fields, "maxInstancesPerUser", path, "maxInstancesPerUser"),
    parameters: (value, path) => {
      spec.parameters = readParameters(m, value, path);
    },
    connectionType: (_, path) => put(fields, "connectionType", path, "connectionType"),
    connectionMessageTemplate: (value, path) => {
      fields.connectionMessageTemplate = translated(m, value, path, "connectionMessageTemplate");
    },
  });
  if (!root) m.issue(["spec"], "is required");
  else {
    // Dploy shows the name when there is no display name, empty or missing.
    if ((fields.displayName === undefined || fields.displayName === "") && isText(fields.name)) {
      fields.displayName = fields.name;
      m.adjust(["spec"], `has no displayName: the catalog shows the name "${fields.name}"`);
    }
    if (!("chart" in root)) m.issue(["spec", "chart"], "is required: where the Helm chart comes from");
    if (!("ttl" in root)) m.adjust(["spec"], `has no ttl: Envdeck's defaults apply (${describeLifetime(lifetime)})`);
    if (fields.method === "pool" && !("pool" in root)) m.issue(["spec", "pool"], "is required when method is pool");
  }
  return m.result({ fields, spec });
}

function readPool(m: FileMapper, fields: Record<string, unknown>): void {
  m.walk(["spec", "pool"], {
    size: (_, path) => {
      fields.poolSize = m.take(path, "poolSize");
    },
    maxSize: (_, path) => {
      fields.poolMaxSize = m.take(path, "poolMaxSize");
    },
    recycle: (_, path) => {
      fields.poolRecycle = m.take(path, "poolRecycle");
    },
  });
}

function readTtl(m: FileMapper, fields: Record<string, unknown>, lifetime: LifetimeDefaults): void {
  // Dploy reads 0 (or a missing value) as "the operator's default"; Envdeck's defaults stand in for it.
  const withDefault = (path: YamlPath, value: unknown, to: string, fallback: number, words: string) => {
    fields[to] = m.take(path, to);
    if (value === 0) {
      fields[to] = fallback;
      m.adjust(path, `0 means Dploy's default: Envdeck's default applies (${words})`);
    }
  };
  m.walk(["spec", "ttl"], {
    seconds: (value, path) => withDefault(path, value, "ttlSeconds", lifetime.ttlSeconds, describeTtl(lifetime.ttlSeconds)),
    extendSeconds: (value, path) =>
      withDefault(path, value, "ttlExtendSeconds", lifetime.extendSeconds, lifetime.extendSeconds === 0 ? "no extensions" : describeTtl(lifetime.extendSeconds)),
    maxExtends: (value, path) => {
      withDefault(path, value, "ttlMaxExtends", lifetime.maxExtends, `${lifetime.maxExtends} time${lifetime.maxExtends === 1 ? "" : "s"}`);
      if (value === -1) {
        fields.ttlMaxExtends = MAX_EXTENDS;
        m.adjust(path, `-1 (unlimited) has no Envdeck equivalent: extensions are allowed ${MAX_EXTENDS} times`);
      }
    },
  });
}

function readChart(m: FileMapper, spec: Record<string, unknown>): void {
  const path: YamlPath = ["spec", "chart"];
  const chart = m.walk(path, {
    type: () => {},
    repoURL: () => {},
    path: () => {},
    chart: () => {},
    targetRevision: () => {},
    branch: () => {},
    tag: () => {},
    version: () => {},
  });
  if (!chart) return;
  m.take([...path, "type"], "spec.chart.type");
  const declared = chart.type ?? "git";
  if (!["git", "helm", "oci"].includes(declared as string)) {
    m.issue([...path, "type"], "must be git or helm (helm with an oci:// repoURL for an OCI registry)");
    return;
  }
  const repoUrl = m.take([...path, "repoURL"], "spec.chart.repoUrl");
  if (repoUrl === undefined) m.issue([...path, "repoURL"], "is required");
  let type = declared as "git" | "helm" | "oci";
  if (type === "helm" && isText(repoUrl) && repoUrl.startsWith("oci://")) {
    type = "oci";
    m.adjust([...path, "type"], "helm with an oci:// repoURL is read as an OCI registry (a Flux HelmRepository of type oci)");
  }
  const result: Record<string, unknown> = { type, repoUrl };
  const unused = (key: string, reason: string) => {
    if (key in chart) m.ignore([...path, key], reason);
  };
  // The revision: targetRevision, or the branch, tag or version some write instead.
  const aliases = type === "git" ? ["branch", "tag"] : ["version"];
  const given = ["targetRevision", ...aliases].filter((key) => chart[key] !== undefined && chart[key] !== "");
  if (given.length > 1) m.issue([...path, given[1]!], `gives the revision again: write either ${given.join(" or ")}`);
  const key = given[0];
  let revision: unknown = key ? m.take([...path, key], "spec.chart.revision") : undefined;
  if (key && key !== "targetRevision") {
    if (isText(revision) && key === "branch" && VERSION_LIKE.test(revision)) revision = `refs/heads/${revision}`;
    if (isText(revision) && key === "tag" && !VERSION_LIKE.test(revision)) revision = `refs/tags/${revision}`;
    m.adjust([...path, key], `is read as the chart's revision${revision !== chart[key] ? ` (${String(revision)})` : ""}`);
  }
  for (const alias of ["branch", "tag", "version"].filter((a) => !aliases.includes(a))) unused(alias, `applies to ${alias === "version" ? "helm" : "git"} charts only`);
  if (type === "git") {
    result.path = m.take([...path, "path"], "spec.chart.path");
    if (result.path === undefined) m.issue([...path, "path"], "is required for a git chart: the chart's directory in the repository");
    unused("chart", "names a chart in a Helm repository; a git chart is found by its path");
    if (revision === undefined) {
      revision = "main";
      m.adjust(path, "has no targetRevision: Dploy's default, the branch main, is used");
    }
  } else {
    result.chart = m.take([...path, "chart"], "spec.chart.chart");
    if (result.chart === undefined) m.issue([...path, "chart"], "is required for a chart from a Helm repository or OCI registry");
    unused("path", "is a directory in a git repository; a Helm chart is found by its name");
    if (revision === undefined) m.adjust(path, "has no targetRevision: the newest chart version is used");
  }
  if (revision !== undefined) result.revision = revision;
  spec.chart = result;
}

/** Dploy's template text (Go templates) in Envdeck's Liquid, with its problems reported at their lines in the file. */
function translated(m: FileMapper, value: unknown, path: YamlPath, to: string): unknown {
  m.take(path, to);
  if (!isText(value)) return value;
  try {
    const result = goToLiquid(value, to.replace(/^spec\./, ""));
    if (result.rewritten > 0) {
      m.adjust(
        path,
        `Dploy's Go template syntax was rewritten as Envdeck's Liquid: ${result.rewritten} expression${result.rewritten === 1 ? "" : "s"}, as {{ .Owner }} becomes {{ owner }}${result.notes.map((n) => `; ${n}`).join("")}`,
      );
    }
    return result.text;
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const start = m.source.blockStartOf(path);
    for (const issue of error.issues) m.issue(path, issue.message, start !== undefined && issue.line !== undefined ? start + issue.line - 1 : m.source.lineOf(path));
    return value;
  }
}

function readParameters(m: FileMapper, value: unknown, path: YamlPath): unknown {
  m.take(path, "spec.parameters");
  if (!Array.isArray(value)) {
    m.issue(path, "must be a list of parameters (name, description, default, required)");
    return value;
  }
  return value.map((item, index) => {
    const here = [...path, index];
    const parameter: Record<string, unknown> = {};
    const text = (key: string) => (raw: unknown, at: YamlPath) => {
      if (typeof raw === "number" || typeof raw === "boolean") {
        parameter[key] = String(raw);
        m.adjust(at, `is read as the text "${String(raw)}": Dploy parameters are text`);
      } else if (raw === null || isText(raw)) {
        if (raw !== null) parameter[key] = raw;
      } else m.issue(at, "must be text");
    };
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      m.issue(here, "must be a parameter (name, description, default, required)");
      return item;
    }
    const mapping = m.walk(here, {
      name: (raw, at) => {
        if (isText(raw) && raw !== "") parameter.name = raw;
        else m.issue(at, "must be the parameter's name");
      },
      description: text("description"),
      default: text("default"),
      required: (raw, at) => {
        if (typeof raw === "boolean") parameter.required = raw;
        else m.issue(at, "must be true or false");
      },
    });
    if (mapping && !("name" in mapping)) m.issue(here, "needs a name");
    return parameter;
  });
}

/**
 * A template as a DployTemplate, for Dploy or for another Envdeck, with what Dploy cannot express listed in
 * `lost` (and as comments at the top of `text`). Importing the export gives the same template back whenever
 * `lost` is empty.
 */
export function toDployYaml(template: ExportableTemplate): { text: string; lost: string[] } {
  const lost: string[] = [];
  const { spec } = template;
  const values = spec.valuesTemplate ? liquidToGo(spec.valuesTemplate) : { text: "", untranslatable: [] };
  const url = spec.connectionUrlTemplate ? liquidToGo(spec.connectionUrlTemplate) : null;
  lost.push(...values.untranslatable.map((u) => `valuesTemplate, ${u}: left in Envdeck's Liquid syntax, which Dploy cannot render`));
  if (url) lost.push(...url.untranslatable.map((u) => `connectionURLTemplate, ${u}: left in Envdeck's Liquid syntax`));
  const message = template.connectionType === "instructions" ? liquidToGo(template.connectionMessageTemplate) : null;
  if (message) lost.push(...message.untranslatable.map((u) => `connectionMessageTemplate, ${u}: left in Envdeck's Liquid syntax`));
  if (template.isBase) lost.push("this is a base template (never launched); Dploy has no base templates, so it would be launchable there");
  if (spec.extends) lost.push(`extends ${spec.extends}: Dploy has no inheritance, and the values of ${spec.extends} are not included`);
  if (template.poolFallback !== "on_demand") lost.push("pool fallback refuse: Dploy always falls back to a new environment when the pool is empty");
  if (template.ttlExtendSeconds === 0 || template.ttlMaxExtends === 0) lost.push("no extensions allowed: Dploy reads 0 as its operator's default, which allows some");
  if (spec.chart.type === "git" && !spec.chart.revision) lost.push("no chart revision (Flux's default branch): Dploy reads a missing targetRevision as main");

  const chart: Record<string, unknown> = spec.chart.type === "git"
    ? { type: "git", repoURL: spec.chart.repoUrl, path: spec.chart.path }
    : { type: "helm", repoURL: spec.chart.repoUrl, chart: spec.chart.chart };
  if (spec.chart.revision) chart.targetRevision = spec.chart.revision;

  let parameters: SimpleParameter[] | undefined;
  if (Array.isArray(spec.parameters)) parameters = spec.parameters as SimpleParameter[];
  else {
    const schema = toParameterSchema(spec.parameters) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    const entries = Object.entries(schema.properties ?? {});
    if (entries.length > 0) {
      parameters = entries.map(([name, property]) => ({
        name,
        ...(property.description !== undefined && { description: String(property.description) }),
        ...(property.default !== undefined && { default: String(property.default) }),
        ...(schema.required?.includes(name) && { required: true }),
      }));
      lost.push("parameters: Dploy's parameters are text with a description and a default; their types, titles, choices and limits are left out");
    }
  }

  const document = {
    apiVersion: DPLOY_API_VERSION,
    kind: DPLOY_KIND,
    metadata: {
      name: template.name,
      ...(Object.keys(template.labels).length > 0 && { labels: template.labels }),
      ...(Object.keys(template.annotations).length > 0 && { annotations: template.annotations }),
    },
    spec: {
      displayName: template.displayName,
      ...(template.description && { description: template.description }),
      icon: template.icon,
      ...(template.category && { category: template.category }),
      enabled: template.enabled,
      visible: template.visible,
      ...(spec.ownerClaim && { ownerClaim: spec.ownerClaim }),
      method: template.method === "pool" ? "pool" : "on-demand",
      ...((template.method === "pool" || template.poolSize > 0 || template.poolMaxSize > 0 || !template.poolRecycle) && {
        pool: { size: template.poolSize, maxSize: template.poolMaxSize, recycle: template.poolRecycle },
      }),
      engine: "flux",
      chart,
      ...(values.text && { valuesTemplate: values.text }),
      ...(spec.valueFiles.length > 0 && { valueFiles: spec.valueFiles }),
      ...(url && { connectionURLTemplate: url.text }),
      ...(message && { connectionType: "instructions", connectionMessageTemplate: message.text }),
      ttl: { seconds: template.ttlSeconds, extendSeconds: template.ttlExtendSeconds, maxExtends: template.ttlMaxExtends },
      ...(template.maxInstancesPerUser !== null && { maxInstancesPerUser: template.maxInstancesPerUser }),
      ...(parameters && { parameters }),
    },
  };
  const header = [
    `# DployTemplate exported by Envdeck from version ${template.version} of "${template.name}" (sha256 ${template.checksum}).`,
    ...(lost.length > 0 ? ["# Not expressible in a DployTemplate, so not carried over:", ...lost.map((l) => `#   - ${l.replace(/\n/g, " ")}`)] : []),
  ];
  return { text: `${header.join("\n")}\n${writeYamlText(document)}`, lost };
}
