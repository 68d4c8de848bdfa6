import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { findBinaries } from "@/scripts/cluster/control-plane";

/**
 * The real Flux CRDs, as built by scripts/cluster/build.sh from the Flux Go modules: their OpenAPI schemas,
 * by apiVersion and kind. Null when they have not been built on this machine.
 */
export function loadFluxCrdSchemas(): Map<string, Record<string, unknown>> | null {
  const dir = findBinaries()?.crdDir;
  if (!dir || !existsSync(dir)) return null;
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

/** Whether a missing prerequisite must fail the run instead of skipping (set by .ci/run). */
export const requireCluster = process.env.ENVDECK_REQUIRE_CLUSTER === "1";
