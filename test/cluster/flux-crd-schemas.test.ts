import Ajv from "ajv";
import { expect, it } from "vitest";
import { buildInstanceManifests, type ManifestObject } from "@/lib/engine/flux/manifests";
import { base, sources } from "@/test/fixtures/manifest-inputs";
import { describeWithCluster } from "@/test/support/cluster";
import { loadFluxCrdSchemas } from "@/test/support/flux-crds";

// The CRDs come from the same build as the control plane, so these checks live in the cluster suite: the unit
// suite runs before anything is built on a new machine.
describeWithCluster("every generated object against the real Flux CRD schemas", () => {
  const schemas = loadFluxCrdSchemas();
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const compile = (object: ManifestObject) => {
    const [group, version] = object.apiVersion.split("/");
    const schema = schemas.get(`${group}/${version}/${object.kind}`);
    expect(schema, `${object.apiVersion} ${object.kind} is in the CRDs`).toBeDefined();
    return ajv.compile(schema!);
  };
  const validate = (object: ManifestObject) => {
    const check = compile(object);
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
        flux: { interval: "1m", timeout: "30s", serviceAccountName: "deployer", remediationRetries: 3, wait: false },
      });
      validate(m.source);
      validate(m.helmRelease);
    });
  }

  it("the schemas are strict enough to catch a broken object", () => {
    const m = buildInstanceManifests(base);
    const broken = { ...m.source, spec: { ...m.source.spec, url: "ftp://charts.example.edu" } };
    expect(compile(broken)(broken)).toBe(false);
  });
});
