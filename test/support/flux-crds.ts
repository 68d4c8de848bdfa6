import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { findBinaries } from "@/scripts/cluster/control-plane";

/**
 * The real Flux CRDs, as built by scripts/cluster/build.sh from the Flux Go modules: their OpenAPI schemas,
 * by apiVersion and kind. Only for the cluster suite, which runs after the build.
 */
export function loadFluxCrdSchemas(): Map<string, Record<string, unknown>> {
  const dir = findBinaries()?.crdDir;
  if (!dir) throw new Error("the Flux CRDs are not built: run scripts/cluster/build.sh crds");
  const schemas = new Map<string, Record<string, unknown>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, file), "utf8"))) {
      const crd = doc.toJS() as {
        spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] };
      };
      for (const version of crd.spec.versions) {
        schemas.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, version.schema.openAPIV3Schema);
      }
    }
  }
  return schemas;
}
