/**
 * `npm run cluster`: a local Kubernetes control plane with Flux for demos and development (see
 * scripts/cluster/control-plane.ts). Builds the binaries on first use (needs Go), then runs until Ctrl-C.
 * Point the portal at it with the KUBECONFIG it prints.
 */
import path from "node:path";
import { buildBinaries, findBinaries, startControlPlane } from "./cluster/control-plane";

const log = (line: string) => console.log(`[cluster] ${line}`);

async function main() {
  const dir = path.resolve(process.env.ENVDECK_DATA_DIR ?? ".data", "cluster");
  const binaries = findBinaries() ?? (await buildBinaries(log));
  const controlPlane = await startControlPlane({ dir, binaries, log });
  log(`Helm repository with the fixture charts: ${controlPlane.helmRepositoryUrl ?? "(Flux controllers not built)"}`);
  log(`in another terminal: KUBECONFIG=${controlPlane.kubeconfigPath} npm start`);
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
