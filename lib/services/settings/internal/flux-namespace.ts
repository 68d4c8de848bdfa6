import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/domain/errors";
import type { Settings } from "@/lib/domain/settings";
import { KubeClient } from "@/lib/engine/kube/client";
import { loadKubeConfig, selectEngine } from "@/lib/engine/select";

/**
 * Refuses a new Flux namespace the cluster does not have, as INVALID_INPUT beside the field: every launch
 * would otherwise fail at its first step. A read-only question to the cluster, asked only when the namespace
 * changes; without a configured cluster there is nothing to ask, and launches say why they cannot run.
 */
export async function assertFluxNamespaceExists(before: Settings, after: Settings): Promise<void> {
  const name = after.flux.namespace;
  if (!name || name === before.flux.namespace) return;
  const selection = selectEngine(getConfig().kubernetes);
  if (selection.kind === "none") return;
  let problem: string | null;
  try {
    const client = new KubeClient(loadKubeConfig(selection));
    const namespace = await client.get({ apiVersion: "v1", kind: "Namespace", name });
    problem = namespace ? null : `The cluster has no namespace ${name}: create it (with Flux allowed to use it), or leave this empty.`;
  } catch (error) {
    problem = `Could not ask the cluster whether ${name} exists (${(error as Error).message.slice(0, 300)}); try again once it answers.`;
  }
  if (problem) throw new AppError("INVALID_INPUT", "Please correct the highlighted settings.", { fluxNamespace: [problem] });
}
