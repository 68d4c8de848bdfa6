import "server-only";
import type { Config } from "@/lib/config";
import { FluxEngine } from "@/lib/engine/flux/engine";
import { KubeClient } from "@/lib/engine/kube/client";
import { loadKubeConfig, selectEngine } from "@/lib/engine/select";
import type { Engine } from "@/lib/engine/types";
import { getInstallationId } from "@/lib/db/settings";
import type { ControllerContext } from "./context";
import { databaseSettings } from "./settings";

/** Builds the controllers' context: live settings from the database and the engine the configuration selects. */
export async function createControllerContext(config: Config, log: (line: string) => void): Promise<ControllerContext> {
  const installationId = await getInstallationId();
  const selection = selectEngine(config.kubernetes);
  let engine: Engine | null = null;
  let noEngineReason = "";
  if (selection.kind === "none") {
    noEngineReason = selection.reason;
    log(noEngineReason);
  } else {
    try {
      const client = new KubeClient(loadKubeConfig(selection));
      engine = new FluxEngine(client, installationId);
      log(`using the Kubernetes cluster at ${client.server} (${selection.description}), installation ${installationId}`);
    } catch (error) {
      noEngineReason = `Launching needs a Kubernetes cluster, and the configured one cannot be used: ${(error as Error).message}`;
      log(noEngineReason);
    }
  }
  return { engine, noEngineReason, installationId, settings: databaseSettings(), now: () => new Date(), log };
}
