import type { ChartSource } from "@/lib/templates/spec";
import { releaseName, toLabelValue } from "@/lib/domain/naming";
import { DEFAULT_FLUX_SETTINGS, type FluxSettings } from "@/lib/domain/settings";

/**
 * The Kubernetes objects of one instance, as plain objects ready for server-side apply: its Namespace, a Flux
 * source (GitRepository, or HelmRepository, of type oci for `oci://`) and a HelmRelease. Pure: the same input
 * always gives the same objects, so applying them again is a no-op.
 */

export const LABEL = {
  managed: "envdeck.dev/managed",
  installation: "envdeck.dev/installation",
  owner: "envdeck.dev/owner",
  template: "envdeck.dev/template",
  instance: "envdeck.dev/instance",
  pooled: "envdeck.dev/pooled",
} as const;

/** On an environment's Namespace whose release lives elsewhere: the namespace of that release and its source. */
export const RELEASE_NAMESPACE_ANNOTATION = "envdeck.dev/release-namespace";

export const FLUX = {
  helmRelease: { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", plural: "helmreleases" },
  gitRepository: { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", plural: "gitrepositories" },
  helmRepository: { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "HelmRepository", plural: "helmrepositories" },
} as const;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
}

export { DEFAULT_FLUX_SETTINGS, type FluxSettings };

export interface InstanceManifestInput {
  installationId: string;
  template: string;
  uuid: string;
  namespace: string;
  /** Null for an unclaimed pool member. */
  ownerKey: string | null;
  pooled: boolean;
  chart: ChartSource;
  valueFiles: string[];
  values: Record<string, unknown>;
  flux: FluxSettings;
  /**
   * Where the HelmRelease and its source live when not in `namespace` (the Flux namespace of the settings when
   * the instance was first applied); the chart is still installed into `namespace`, and its Helm storage kept there.
   */
  releaseNamespace?: string | null;
}

export interface InstanceManifests {
  namespace: ManifestObject;
  source: ManifestObject;
  helmRelease: ManifestObject;
}

/** Labels every managed object carries: how the worker finds its own objects, and never another portal's. */
export function instanceLabels(input: Pick<InstanceManifestInput, "installationId" | "template" | "uuid" | "ownerKey" | "pooled">): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL.managed]: "true",
    [LABEL.installation]: input.installationId,
    [LABEL.template]: input.template,
    [LABEL.instance]: input.uuid,
    [LABEL.pooled]: String(input.pooled),
  };
  const owner = input.ownerKey ? toLabelValue(input.ownerKey) : "";
  if (owner) labels[LABEL.owner] = owner;
  return labels;
}

/** Selects every object this installation manages. */
export function installationSelector(installationId: string): string {
  return `${LABEL.managed}=true,${LABEL.installation}=${installationId}`;
}

/** Flux accepts ssh:// but not scp-like `git@host:path` URLs. */
export function toFluxGitUrl(url: string): string {
  const scp = /^([^@\s/]+)@([^:\s/]+):(.+)$/.exec(url);
  return scp ? `ssh://${scp[1]}@${scp[2]}/${scp[3]}` : url;
}

/**
 * A git revision names a tag when it looks like a version (`v1.2`, `1.2.3-rc.1`) or is written
 * `refs/tags/<tag>`; anything else is a branch (`refs/heads/<branch>` also works). None: Flux's default branch.
 */
export function gitReference(revision: string | undefined): Record<string, string> | undefined {
  if (!revision) return undefined;
  if (revision.startsWith("refs/tags/")) return { tag: revision.slice("refs/tags/".length) };
  if (revision.startsWith("refs/heads/")) return { branch: revision.slice("refs/heads/".length) };
  if (/^v?\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?$/.test(revision)) return { tag: revision };
  return { branch: revision };
}

/** apiVersion and kind of one of the FLUX types, without the extra fields kept there. */
function typeMeta(type: { apiVersion: string; kind: string }) {
  return { apiVersion: type.apiVersion, kind: type.kind };
}

function sourceFor(chart: ChartSource, metadata: ObjectMeta, interval: string): ManifestObject {
  if (chart.type === "git") {
    const ref = gitReference(chart.revision);
    return {
      ...typeMeta(FLUX.gitRepository),
      metadata,
      spec: { url: toFluxGitUrl(chart.repoUrl), interval, ...(ref && { ref }) },
    };
  }
  return {
    ...typeMeta(FLUX.helmRepository),
    metadata,
    spec: { url: chart.repoUrl, interval, ...(chart.type === "oci" && { type: "oci" }) },
  };
}

function chartSpecFor(chart: ChartSource, sourceName: string, valueFiles: string[]): Record<string, unknown> {
  const sourceRef = { kind: chart.type === "git" ? FLUX.gitRepository.kind : FLUX.helmRepository.kind, name: sourceName };
  const spec: Record<string, unknown> =
    chart.type === "git"
      ? { chart: chart.path.startsWith(".") ? chart.path : `./${chart.path}`, sourceRef }
      : { chart: chart.chart, version: chart.revision ?? "*", sourceRef };
  if (valueFiles.length > 0) spec.valuesFiles = valueFiles;
  return spec;
}

/**
 * Builds the Namespace, source and HelmRelease of an instance. With a release namespace of its own, the
 * release and source live there and install into the instance's namespace, which names where they are so
 * that garbage collection finds them; without, the objects are exactly those of a portal without the setting.
 */
export function buildInstanceManifests(input: InstanceManifestInput): InstanceManifests {
  const name = releaseName(input.template, input.uuid);
  const labels = instanceLabels(input);
  const elsewhere = input.releaseNamespace && input.releaseNamespace !== input.namespace ? input.releaseNamespace : null;
  const metadata = { name, namespace: elsewhere ?? input.namespace, labels };
  const remediation = { retries: input.flux.remediationRetries };
  // Only written when waiting is off, so releases applied with the default keep their applied hash.
  const wait = input.flux.wait ? {} : { disableWait: true };
  return {
    namespace: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: input.namespace, labels, ...(elsewhere && { annotations: { [RELEASE_NAMESPACE_ANNOTATION]: elsewhere } }) },
    },
    source: sourceFor(input.chart, metadata, input.flux.interval),
    helmRelease: {
      ...typeMeta(FLUX.helmRelease),
      metadata,
      spec: {
        releaseName: name,
        ...(elsewhere && { targetNamespace: input.namespace, storageNamespace: input.namespace }),
        interval: input.flux.interval,
        timeout: input.flux.timeout,
        ...(input.flux.serviceAccountName && { serviceAccountName: input.flux.serviceAccountName }),
        chart: { spec: chartSpecFor(input.chart, name, input.valueFiles) },
        install: { remediation, ...wait },
        upgrade: { remediation: { ...remediation, remediateLastFailure: true }, cleanupOnFail: true, ...wait },
        values: input.values,
      },
    },
  };
}
