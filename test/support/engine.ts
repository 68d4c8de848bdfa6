import path from "node:path";
import { FluxEngine } from "@/lib/engine/flux/engine";
import { KubeClient } from "@/lib/engine/kube/client";
import { loadKubeConfig } from "@/lib/engine/select";

/**
 * A real Flux engine whose cluster is down (every request refused): for tests of controllers that need a
 * configured cluster, such as the pool controller, which creates no members without one.
 */
export function unreachableEngine(installationId: string): FluxEngine {
  const file = path.join(import.meta.dirname, "../fixtures/kubeconfig-refused.yaml");
  return new FluxEngine(new KubeClient(loadKubeConfig({ kind: "kubeconfig", path: file, context: null, description: file })), installationId);
}
