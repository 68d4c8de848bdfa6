import "server-only";
import { existsSync } from "node:fs";
import type { Config } from "@/lib/config";
import { KubeConfig } from "./kube/client";

/**
 * Engine selection (docs/architecture.md, "Interfaces"): the pod's service account when running inside a cluster, else
 * KUBECONFIG or ~/.kube/config, else none. Decided from files alone, without contacting the cluster, so the
 * web process can tell users at once whether launching is possible.
 */

export const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

export const NO_CLUSTER_MESSAGE =
  "Launching needs a Kubernetes cluster, and none is configured: set KUBECONFIG, or run Envdeck inside the cluster. Everything else works without one.";

export type EngineSelection =
  | { kind: "in-cluster"; description: string }
  | { kind: "kubeconfig"; path: string; context: string | null; description: string }
  | { kind: "none"; reason: string };

export function selectEngine(kubernetes: Config["kubernetes"], exists: (path: string) => boolean = existsSync): EngineSelection {
  if (!kubernetes.enabled) return { kind: "none", reason: `${NO_CLUSTER_MESSAGE} (ENVDECK_ENGINE is none)` };
  if (kubernetes.inCluster && exists(SERVICE_ACCOUNT_TOKEN)) return { kind: "in-cluster", description: "in-cluster service account" };
  const candidates = kubernetes.kubeconfigPaths.length > 0 ? kubernetes.kubeconfigPaths : [kubernetes.defaultKubeconfig].filter((p): p is string => Boolean(p));
  const path = candidates.find((p) => exists(p));
  if (path) {
    return { kind: "kubeconfig", path, context: kubernetes.context, description: `kubeconfig ${path}${kubernetes.context ? ` (context ${kubernetes.context})` : ""}` };
  }
  return { kind: "none", reason: NO_CLUSTER_MESSAGE };
}

/** Loads the client configuration of a selection; throws with a clear message for an unusable kubeconfig. */
export function loadKubeConfig(selection: Exclude<EngineSelection, { kind: "none" }>): KubeConfig {
  const config = new KubeConfig();
  if (selection.kind === "in-cluster") {
    config.loadFromCluster();
    return config;
  }
  try {
    config.loadFromFile(selection.path);
  } catch (error) {
    throw new Error(`The kubeconfig ${selection.path} cannot be read: ${(error as Error).message}`);
  }
  if (selection.context) {
    if (!config.getContextObject(selection.context)) throw new Error(`The kubeconfig ${selection.path} has no context "${selection.context}"`);
    config.setCurrentContext(selection.context);
  }
  if (!config.getCurrentCluster()) throw new Error(`The kubeconfig ${selection.path} has no current cluster`);
  return config;
}
