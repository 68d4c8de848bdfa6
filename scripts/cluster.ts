/**
 * `npm run cluster`: a local Kubernetes control plane with Flux for demos and development (see
 * scripts/cluster/control-plane.ts). Builds the binaries on first use (needs Go), then runs until Ctrl-C.
 * Prints the command that starts the portal on it, and the charts its Helm repository serves.
 */
import path from "node:path";
import { getConfig } from "@/lib/config";
import { describeCharts, shellCommand, startVariables } from "./commands";
import { ensureBinaries, startControlPlane } from "./cluster/control-plane";

const log = (line: string) => console.log(`[cluster] ${line}`);

/** The Helm repository's port when free, so templates pointed at it keep working after a restart. */
const HELM_REPOSITORY_PORT = 8879;

async function main() {
  const config = getConfig();
  const dir = path.resolve(config.dataDir, "cluster");
  const binaries = await ensureBinaries(log, { flux: false });
  const controlPlane = await startControlPlane({ dir, binaries, log, helmRepositoryPort: HELM_REPOSITORY_PORT });
  if (controlPlane.helmRepositoryUrl) {
    log(`its Helm repository serves these charts (a template's chart source: type helm, repository URL, chart, version):`);
    for (const line of describeCharts(controlPlane.helmRepositoryUrl, controlPlane.charts)) log(line);
    log("no pod runs here (there is no kubelet): a chart with workloads, like envdeck-hello, turns Ready only with Flux's wait setting off, as npm run demo sets it");
  } else {
    log("Flux's controllers are not built: nothing installs charts (run scripts/cluster/build.sh all)");
  }
  log("start the portal on it, in another terminal:");
  console.log(`\n  ${shellCommand(startVariables(config, controlPlane.kubeconfigPath), "npm start")}\n`);
  const stop = async () => {
    log("stopping");
    await controlPlane.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(`[cluster] cannot start: ${(error as Error).message}`);
  process.exit(1);
});
