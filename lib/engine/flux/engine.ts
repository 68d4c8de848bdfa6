import "server-only";
import { createHash } from "node:crypto";
import { releaseName } from "@/lib/domain/naming";
import { canonicalJson } from "@/lib/templates/checksum";
import type { KubeClient, KubeObject } from "../kube/client";
import { Informer } from "../kube/informer";
import type { Engine, InstanceDeployment, InstanceKey, ManagedObject, ObservedInstance } from "../types";
import { buildInstanceManifests, FLUX, installationSelector, LABEL, RELEASE_NAMESPACE_ANNOTATION, type InstanceManifests, type ManifestObject } from "./manifests";
import { mapReleaseStatus, recordConditions, type FluxObjectStatus } from "./status";

export const APPLIED_HASH_ANNOTATION = "envdeck.dev/applied-hash";

const sourceKinds = [FLUX.gitRepository, FLUX.helmRepository];

const hashOf = (manifests: InstanceManifests) => createHash("sha256").update(canonicalJson(manifests)).digest("hex").slice(0, 32);

/** The Flux engine: one Namespace, one source and one HelmRelease per instance, applied server-side. */
export class FluxEngine implements Engine {
  readonly name = "flux";
  private informer: Informer | null = null;

  constructor(
    private readonly client: KubeClient,
    private readonly installationId: string,
  ) {}

  engineRef(key: InstanceKey): string {
    return `${FLUX.helmRelease.apiVersion}/${FLUX.helmRelease.kind}/${key.releaseNamespace || key.namespace}/${releaseName(key.template, key.uuid)}`;
  }

  releaseNamespaceOf(engineRef: string, namespace: string): string | null | undefined {
    const prefix = `${FLUX.helmRelease.apiVersion}/${FLUX.helmRelease.kind}/`;
    if (!engineRef.startsWith(prefix)) return undefined;
    const where = engineRef.slice(prefix.length).split("/")[0];
    if (!where) return undefined;
    return where === namespace ? null : where;
  }

  desiredHash(deployment: InstanceDeployment): string {
    return hashOf(buildInstanceManifests(deployment));
  }

  async apply(deployment: InstanceDeployment): Promise<ObservedInstance> {
    const manifests = buildInstanceManifests(deployment);
    const hash = hashOf(manifests);
    const withHash = (object: ManifestObject): ManifestObject => ({
      ...object,
      metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [APPLIED_HASH_ANNOTATION]: hash } },
    });
    // Namespace first, the release last: its annotation is the proof that everything before it was applied.
    await this.client.apply(manifests.namespace);
    await this.client.apply(manifests.source);
    const helmRelease = await this.client.apply(withHash(manifests.helmRelease));
    return {
      exists: true,
      appliedHash: hash,
      status: mapReleaseStatus(helmRelease as FluxObjectStatus),
      conditions: recordConditions([{ kind: FLUX.helmRelease.kind, object: helmRelease as FluxObjectStatus }]),
    };
  }

  private helmReleaseRef(key: InstanceKey, where = key.releaseNamespace || key.namespace) {
    return { ...FLUX.helmRelease, name: releaseName(key.template, key.uuid), namespace: where };
  }

  async observe(key: InstanceKey): Promise<ObservedInstance> {
    const ref = this.helmReleaseRef(key);
    // The watch cache answers most reads; a miss is confirmed directly, as the cache may lag a fresh apply.
    const helmRelease = (this.informer?.hasSynced && this.informer.get(ref.namespace, ref.name)) || (await this.client.get(ref));
    if (!helmRelease) return { exists: false, appliedHash: null, status: mapReleaseStatus(undefined) };
    let status = mapReleaseStatus(helmRelease as FluxObjectStatus);
    const read: Parameters<typeof recordConditions>[0] = [{ kind: FLUX.helmRelease.kind, object: helmRelease as FluxObjectStatus }];
    // The source explains a release that is stuck before installing (bad URL, unknown chart): read it then only.
    if (status.state !== "ready") {
      const kind = (helmRelease.spec?.chart as { spec?: { sourceRef?: { kind?: string } } } | undefined)?.spec?.sourceRef?.kind;
      const sourceType = sourceKinds.find((k) => k.kind === kind);
      const source = sourceType ? await this.client.get({ ...sourceType, name: ref.name, namespace: ref.namespace }) : undefined;
      status = mapReleaseStatus(helmRelease as FluxObjectStatus, source as FluxObjectStatus | undefined);
      if (sourceType && source) read.push({ kind: sourceType.kind, object: source as FluxObjectStatus });
    }
    return { exists: true, appliedHash: helmRelease.metadata?.annotations?.[APPLIED_HASH_ANNOTATION] ?? null, status, conditions: recordConditions(read) };
  }

  async teardown(key: InstanceKey): Promise<"deleting" | "gone"> {
    const namespaceRef = { apiVersion: "v1", kind: "Namespace", name: key.namespace };
    let namespace: KubeObject | undefined | null = null;
    // A key that does not say where the release lives (garbage collection) learns it from the namespace.
    if (key.releaseNamespace === undefined) namespace = await this.client.get(namespaceRef);
    const where = key.releaseNamespace || namespace?.metadata?.annotations?.[RELEASE_NAMESPACE_ANNOTATION] || key.namespace;
    // The release goes first so helm-controller uninstalls it properly while its namespace still exists.
    const releaseRef = this.helmReleaseRef(key, where);
    const release = await this.client.get(releaseRef);
    if (release) {
      if (release.metadata?.labels?.[LABEL.installation] !== this.installationId) return "gone"; // never ours to delete
      if (!release.metadata?.deletionTimestamp) await this.client.delete(releaseRef);
      return "deleting";
    }
    // A source outside the environment's namespace does not go with it: deleted on its own, once its release is gone.
    if (where !== key.namespace) {
      for (const kind of sourceKinds) {
        const sourceRef = { ...kind, name: releaseRef.name, namespace: where };
        const source = await this.client.get(sourceRef);
        if (source && source.metadata?.labels?.[LABEL.installation] === this.installationId && !source.metadata?.deletionTimestamp) await this.client.delete(sourceRef);
      }
    }
    namespace ??= await this.client.get(namespaceRef);
    if (namespace) {
      if (namespace.metadata?.labels?.[LABEL.installation] !== this.installationId) return "gone"; // never ours to delete
      if (!namespace.metadata?.deletionTimestamp) await this.client.delete(namespaceRef);
      return "deleting";
    }
    return "gone";
  }

  async listManaged(): Promise<ManagedObject[]> {
    const { items } = await this.client.list<KubeObject>("v1", "Namespace", installationSelector(this.installationId));
    return items.flatMap((ns) => {
      const uuid = ns.metadata?.labels?.[LABEL.instance];
      const template = ns.metadata?.labels?.[LABEL.template];
      if (!uuid || !template || !ns.metadata?.name) return [];
      return [{ namespace: ns.metadata.name, template, uuid, createdAt: new Date(ns.metadata.creationTimestamp ?? 0), deleting: Boolean(ns.metadata.deletionTimestamp) }];
    });
  }

  watch({ onChange, onError, onSynced }: Parameters<Engine["watch"]>[0]): void {
    this.informer ??= new Informer(this.client, {
      path: `/apis/${FLUX.helmRelease.apiVersion}/${FLUX.helmRelease.plural}`,
      apiVersion: FLUX.helmRelease.apiVersion,
      kind: FLUX.helmRelease.kind,
      labelSelector: installationSelector(this.installationId),
      onChange: (object) => {
        const labels = object.metadata?.labels ?? {};
        const uuid = labels[LABEL.instance];
        if (uuid) onChange(uuid, labels[LABEL.pooled] === "true" && !labels[LABEL.owner]);
      },
      onError,
      onSynced,
    });
    this.informer.start();
  }

  async stop(): Promise<void> {
    await this.informer?.stop();
    this.informer = null;
  }
}
