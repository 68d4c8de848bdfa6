import { describe, expect, it } from "vitest";
import { buildInstanceManifests, gitReference, installationSelector, instanceLabels, RELEASE_NAMESPACE_ANNOTATION, toFluxGitUrl } from "@/lib/engine/flux/manifests";
import { base, sources } from "@/test/fixtures/manifest-inputs";

describe("buildInstanceManifests", () => {
  it("labels every object with the installation, template, instance, owner and pool flag", () => {
    const m = buildInstanceManifests(base);
    for (const object of [m.namespace, m.source, m.helmRelease]) {
      expect(object.metadata.labels).toEqual({
        "envdeck.dev/managed": "true",
        "envdeck.dev/installation": "ed0123456789",
        "envdeck.dev/template": "webterm",
        "envdeck.dev/instance": "0a1b2c3d",
        "envdeck.dev/pooled": "false",
        "envdeck.dev/owner": "alice",
      });
    }
    expect(installationSelector("ed0123456789")).toBe("envdeck.dev/managed=true,envdeck.dev/installation=ed0123456789");
  });

  it("leaves the owner label off an unclaimed pool member and adds it once claimed", () => {
    expect(instanceLabels({ ...base, ownerKey: null, pooled: true })).not.toHaveProperty(["envdeck.dev/owner"]);
    expect(instanceLabels({ ...base, ownerKey: "Team Blue", pooled: true })["envdeck.dev/owner"]).toBe("Team-Blue");
  });

  it("maps a git source onto a GitRepository with branch or tag", () => {
    const branch = buildInstanceManifests({ ...base, chart: sources["git branch"]! });
    expect(branch.source).toMatchObject({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: "webterm-0a1b2c3d", namespace: "alice-webterm-0a1b2c3d" },
      spec: { url: "https://git.example.edu/charts.git", ref: { branch: "main" }, interval: "5m" },
    });
    expect(branch.helmRelease.spec!.chart).toEqual({ spec: { chart: "./charts/webterm", sourceRef: { kind: "GitRepository", name: "webterm-0a1b2c3d" } } });
    const tag = buildInstanceManifests({ ...base, chart: sources["git tag"]! });
    expect(tag.source.spec).toMatchObject({ url: "ssh://git@git.example.edu/org/charts.git", ref: { tag: "v1.4.0" } });
    expect(buildInstanceManifests({ ...base, chart: sources["git default branch"]! }).source.spec).not.toHaveProperty("ref");
  });

  it("maps helm and oci sources onto a HelmRepository (type oci for oci://)", () => {
    const helm = buildInstanceManifests(base);
    expect(helm.source).toMatchObject({ kind: "HelmRepository", spec: { url: "https://charts.example.edu" } });
    expect(helm.source.spec).not.toHaveProperty("type");
    expect(helm.helmRelease.spec!.chart).toEqual({ spec: { chart: "webterm", version: "1.2.3", sourceRef: { kind: "HelmRepository", name: "webterm-0a1b2c3d" } } });
    const oci = buildInstanceManifests({ ...base, chart: sources.oci! });
    expect(oci.source.spec).toMatchObject({ url: "oci://ghcr.io/example/charts", type: "oci" });
    expect(buildInstanceManifests({ ...base, chart: sources["helm, any version"]! }).helmRelease.spec!.chart).toMatchObject({ spec: { version: "*" } });
  });

  it("carries values, value files, remediation, interval, timeout and the service account from settings", () => {
    const m = buildInstanceManifests({
      ...base,
      valueFiles: ["values-small.yaml"],
      flux: { interval: "10m", timeout: "3m", serviceAccountName: "envdeck-deployer", remediationRetries: 2, wait: true },
    });
    expect(m.helmRelease).toMatchObject({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      spec: {
        releaseName: "webterm-0a1b2c3d",
        interval: "10m",
        timeout: "3m",
        serviceAccountName: "envdeck-deployer",
        install: { remediation: { retries: 2 } },
        upgrade: { remediation: { retries: 2, remediateLastFailure: true }, cleanupOnFail: true },
        values: { replicas: 1, user: { name: "alice" } },
        chart: { spec: { valuesFiles: ["values-small.yaml"] } },
      },
    });
    expect(buildInstanceManifests(base).helmRelease.spec).not.toHaveProperty("serviceAccountName");
  });

  it("tells Flux not to wait for workloads only when the setting says so, leaving default releases as they were", () => {
    const waiting = buildInstanceManifests(base).helmRelease.spec!;
    expect(waiting.install).toEqual({ remediation: { retries: 0 } });
    expect(waiting.upgrade).toEqual({ remediation: { retries: 0, remediateLastFailure: true }, cleanupOnFail: true });
    const installed = buildInstanceManifests({ ...base, flux: { ...base.flux, wait: false } }).helmRelease.spec!;
    expect(installed.install).toEqual({ remediation: { retries: 0 }, disableWait: true });
    expect(installed.upgrade).toMatchObject({ disableWait: true, cleanupOnFail: true });
  });

  it("is deterministic", () => {
    expect(buildInstanceManifests(base)).toEqual(buildInstanceManifests(structuredClone(base)));
  });
});

describe("a Flux namespace", () => {
  it("leaves the objects exactly as without one when unset, or the same as the environment's, so applied hashes do not change", () => {
    const plain = JSON.stringify(buildInstanceManifests(base));
    expect(JSON.stringify(buildInstanceManifests({ ...base, releaseNamespace: null }))).toBe(plain);
    expect(JSON.stringify(buildInstanceManifests({ ...base, releaseNamespace: base.namespace }))).toBe(plain);
    // The setting alone moves nothing: only the release namespace the worker decides on does.
    expect(JSON.stringify(buildInstanceManifests({ ...base, flux: { ...base.flux, namespace: "flux-system" } }))).toBe(plain);
    const m = buildInstanceManifests(base);
    expect(m.helmRelease.spec).not.toHaveProperty("targetNamespace");
    expect(m.helmRelease.spec).not.toHaveProperty("storageNamespace");
    expect(m.namespace.metadata).not.toHaveProperty("annotations");
  });

  it("puts the release and its source there, installing and keeping Helm's storage in the environment's namespace, which names where they are", () => {
    for (const chart of [sources["git branch"]!, base.chart]) {
      const m = buildInstanceManifests({ ...base, chart, releaseNamespace: "flux-system" });
      expect(m.source.metadata).toMatchObject({ name: "webterm-0a1b2c3d", namespace: "flux-system" });
      expect(m.helmRelease.metadata).toMatchObject({ name: "webterm-0a1b2c3d", namespace: "flux-system" });
      expect(m.helmRelease.spec).toMatchObject({ releaseName: "webterm-0a1b2c3d", targetNamespace: "alice-webterm-0a1b2c3d", storageNamespace: "alice-webterm-0a1b2c3d" });
      // The source is found beside the release: the same name, no namespace of its own in the reference.
      expect((m.helmRelease.spec!.chart as { spec: { sourceRef: Record<string, string> } }).spec.sourceRef).toEqual({ kind: chart.type === "git" ? "GitRepository" : "HelmRepository", name: "webterm-0a1b2c3d" });
      expect(m.namespace.metadata).toEqual({ name: "alice-webterm-0a1b2c3d", labels: m.helmRelease.metadata.labels, annotations: { [RELEASE_NAMESPACE_ANNOTATION]: "flux-system" } });
    }
  });

  it("keeps names apart: two environments of one template in the same Flux namespace differ by their uuid", () => {
    const a = buildInstanceManifests({ ...base, releaseNamespace: "flux-system" });
    const b = buildInstanceManifests({ ...base, uuid: "9f8e7d6c", namespace: "alice-webterm-9f8e7d6c", releaseNamespace: "flux-system" });
    expect(a.helmRelease.metadata.name).not.toBe(b.helmRelease.metadata.name);
    expect(a.source.metadata.name).not.toBe(b.source.metadata.name);
  });
});

describe("git references", () => {
  it("reads versions and refs/tags as tags, the rest as branches", () => {
    expect(gitReference("v1.2.3")).toEqual({ tag: "v1.2.3" });
    expect(gitReference("2.0")).toEqual({ tag: "2.0" });
    expect(gitReference("1.0.0-rc.1")).toEqual({ tag: "1.0.0-rc.1" });
    expect(gitReference("refs/tags/release")).toEqual({ tag: "release" });
    expect(gitReference("refs/heads/v1")).toEqual({ branch: "v1" });
    expect(gitReference("feature/x")).toEqual({ branch: "feature/x" });
    expect(gitReference(undefined)).toBeUndefined();
  });

  it("turns scp-like URLs into ssh:// URLs Flux accepts", () => {
    expect(toFluxGitUrl("git@github.com:org/repo.git")).toBe("ssh://git@github.com/org/repo.git");
    expect(toFluxGitUrl("https://github.com/org/repo.git")).toBe("https://github.com/org/repo.git");
  });
});
