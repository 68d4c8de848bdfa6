/**
 * `npm run demo`: the portal on a local Kubernetes control plane with Flux, whose launches install for real.
 * Checks for the control plane's binaries first (building them needs Go, once), builds the portal when there
 * is no production build yet (a newcomer's one command should not stop at "run another command first"; the
 * build takes a minute or two, once), starts the control plane with its local Helm repository, and runs the
 * portal in a data directory of its own with templates that repository serves.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { ConfigError, configWith, getConfig } from "@/lib/config";
import { DatabaseUnreachableError } from "@/lib/db/connect";
import { EmbeddedDatabaseError } from "@/lib/db/embedded";
import { ControlPlaneUnavailableError, ensureBinaries, type ControlPlane } from "./cluster/control-plane";
import { demoAccountsFile, runPortal, type RunningPortal } from "./portal";
import { demoDataDir, demoVariables } from "./commands";
import { hasProductionBuild, prepareDemoPortal, startDemoCluster } from "./local-demo";

const log = (line: string) => console.log(`[demo] ${line}`);

class DemoError extends Error {}

function buildPortal(): Promise<void> {
  log("there is no production build yet: running `npm run build` first (once; a minute or two)");
  return new Promise((resolve, reject) => {
    const child = spawn(path.join("node_modules", ".bin", "next"), ["build"], { stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new DemoError(`npm run build failed (exit code ${code}); its output is above`))));
  });
}

async function main() {
  const config = getConfig();
  if (config.databaseUrl) {
    throw new DemoError(`npm run demo runs an embedded database of its own under ${demoDataDir(config)}: unset DATABASE_URL to run it`);
  }
  // Before the build: a machine that cannot have the control plane should hear so at once, not after a build.
  await ensureBinaries(log, { flux: true });
  if (!hasProductionBuild()) await buildPortal();

  let controlPlane: ControlPlane | null = null;
  let portal: RunningPortal | null = null;
  const stop = async (code: number) => {
    // Both at once: Ctrl-C has reached every process already, and the control plane should know it is stopping.
    await Promise.all([portal?.stop(), controlPlane?.stop()]);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  try {
    controlPlane = await startDemoCluster(config, log);
    const helmRepositoryUrl = controlPlane.helmRepositoryUrl!;
    const variables = demoVariables(config, controlPlane.kubeconfigPath);
    const demoConfig = configWith(variables);
    const prepared = await prepareDemoPortal(demoConfig, helmRepositoryUrl, log);
    portal = runPortal(demoConfig, prepared, { log, env: variables });
    log(`ready: open ${demoConfig.publicUrl}, sign in as "student" (passwords in ${demoAccountsFile(demoConfig)}) and launch "Hello page"`);
    log(`Flux installs it from ${helmRepositoryUrl} on the local control plane; no pod runs there (there is no kubelet), so Flux does not wait for one`);
    log(`kubectl works too: KUBECONFIG=${controlPlane.kubeconfigPath} kubectl get helmreleases -A`);
    void portal.exited.then((code) => stop(code));
  } catch (error) {
    await portal?.stop();
    await controlPlane?.stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  const known = [ConfigError, DatabaseUnreachableError, EmbeddedDatabaseError, ControlPlaneUnavailableError, DemoError].some((type) => error instanceof type);
  console.error(`[demo] cannot start: ${known ? (error as Error).message : (error as Error).stack}`);
  process.exit(1);
});
