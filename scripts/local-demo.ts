/**
 * The parts of `npm run demo` (scripts/demo.ts) that tests run too: the demo's own settings, its control
 * plane with Flux and the local Helm repository, and the portal's database prepared with templates that
 * repository serves.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Config } from "@/lib/config";
import { localClusterDemo, pointDemoAtLocalCluster } from "@/lib/services/system/local-cluster-demo";
import { ensureBinaries, startControlPlane, type ControlPlane } from "./cluster/control-plane";
import { demoDataDir } from "./commands";
import { preparePortal, type Log, type PreparedPortal } from "./portal";

/** The demo's Helm repository port when free: its templates name it, so it should stay the same across starts. */
export const DEMO_HELM_REPOSITORY_PORT = 8880;
/** Whether `npm run build` has produced the build the production web server serves. */
export function hasProductionBuild(root = "."): boolean {
  return existsSync(path.join(root, ".next", "BUILD_ID"));
}

/**
 * The demo's control plane with Flux, under the demo's data directory (recreated at every start). Builds the
 * binaries first when missing; without Go that is one sentence saying what to install.
 */
export async function startDemoCluster(config: Pick<Config, "dataDir">, log: Log, helmRepositoryPort = DEMO_HELM_REPOSITORY_PORT): Promise<ControlPlane> {
  const binaries = await ensureBinaries(log, { flux: true });
  return startControlPlane({ dir: path.join(demoDataDir(config), "cluster"), binaries, log, helmRepositoryPort });
}

/** `npm start`'s preparation, seeding (first run) and keeping (every run) templates the local repository serves. */
export function prepareDemoPortal(demoConfig: Config, helmRepositoryUrl: string, log: Log): Promise<PreparedPortal> {
  return preparePortal(demoConfig, {
    log,
    demo: localClusterDemo(helmRepositoryUrl),
    afterMigrate: async () => {
      for (const change of await pointDemoAtLocalCluster(helmRepositoryUrl)) log(change);
    },
  });
}
