import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { buildInstanceManifests, DEFAULT_FLUX_SETTINGS, gitReference, installationSelector, instanceLabels, toFluxGitUrl, type InstanceManifestInput, type ManifestObject } from "@/lib/engine/flux/manifests";
import type { ChartSource } from "@/lib/templates/spec";
import { loadFluxCrdSchemas, requireCluster } from "@/test/support/flux-crds";

const base: InstanceManifestInput = {
  installationId: "ed0123456789",
  template: "webterm",
  uuid: "0a1b2c3d",
  namespace: "alice-webterm-0a1b2c3d",
  ownerKey: "alice",
  pooled: false,
  chart: { type: "helm", repoUrl: "https://charts.example.edu", chart: "webterm", revision: "1.2.3" },
  valueFiles: [],
  values: { replicas: 1, user: { name: "alice" } },
  flux: DEFAULT_FLUX_SETTINGS,
};

const sources: Record<string, ChartSource> = {
  "git branch": { type: "git", repoUrl: "https://git.example.edu/charts.git", path: "charts/webterm", revision: "main" },
  "git tag": { type: "git", repoUrl: "git@git.example.edu:org/charts.git", path: "./charts/webterm", revision: "v1.4.0" },
  "git default branch": { type: "git", repoUrl: "ssh://git@git.example.edu/org/charts.git", path: "webterm" },
  helm: { type: "helm", repoUrl: "https://charts.example.edu", chart: "webterm", revision: "1.2.3" },
  "helm, any version": { type: "helm", repoUrl: "https://charts.example.edu", chart: "webterm" },
  oci: { type: "oci", repoUrl: "oci://ghcr.io/example/charts", chart: "jupyterlab", revision: "0.3.1" },
};

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
      flux: { interval: "10m", timeout: "3m", serviceAccountName: "envdeck-deployer", remediationRetries: 2 },
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

  it("is deterministic", () => {
    expect(buildInstanceManifests(base)).toEqual(buildInstanceManifests(structuredClone(base)));
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

const schemas = loadFluxCrdSchemas();
if (!schemas) {
  const message = "FLUX CRDs NOT BUILT: the CRD schema checks are skipped. Run scripts/cluster/build.sh (needs Go).";
  console.warn(`\n${"!".repeat(message.length)}\n${message}\n${"!".repeat(message.length)}\n`);
  if (requireCluster) throw new Error(`${message} ENVDECK_REQUIRE_CLUSTER=1 forbids skipping.`);
}

describe.skipIf(!schemas)("every generated object against the real Flux CRD schemas", () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = (object: ManifestObject) => {
    const [group, version] = object.apiVersion.split("/");
    const schema = schemas!.get(`${group}/${version}/${object.kind}`);
    expect(schema, `${object.apiVersion} ${object.kind} is in the CRDs`).toBeDefined();
    const check = ajv.compile(schema!);
    const valid = check(object);
    expect(check.errors ?? [], `${object.kind} is valid`).toEqual([]);
    expect(valid).toBe(true);
  };

  for (const [name, chart] of Object.entries(sources)) {
    it(`${name}: source and HelmRelease`, () => {
      const m = buildInstanceManifests({
        ...base,
        chart,
        valueFiles: ["values.yaml"],
        flux: { interval: "1m", timeout: "30s", serviceAccountName: "deployer", remediationRetries: 3 },
      });
      validate(m.source);
      validate(m.helmRelease);
    });
  }

  it("the schemas are strict enough to catch a broken object", () => {
    const m = buildInstanceManifests(base);
    const broken = { ...m.source, spec: { ...m.source.spec, url: "ftp://charts.example.edu" } };
    const [group, version] = broken.apiVersion.split("/");
    const check = ajv.compile(schemas!.get(`${group}/${version}/${broken.kind}`)!);
    expect(check(broken)).toBe(false);
  });
});
