import { execFileSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { findBinaries, startControlPlane, type ControlPlane } from "@/scripts/cluster/control-plane";

/** What test files learn about the control plane (see ControlPlane for the fields). */
export type ClusterInfo = Pick<
  ControlPlane,
  "server" | "kubeconfigPath" | "restrictedKubeconfigPath" | "invalidKubeconfigPath" | "flux" | "helmRepositoryUrl"
> & {
  /**
   * POST /apiserver/stop, /apiserver/start: lets a test take the API server away and bring it back;
   * POST /apiserver/bare starts an API server without the Flux CRDs and answers its kubeconfig path.
   */
  controlUrl: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    cluster: ClusterInfo | null;
  }
}

function loud(message: string) {
  const bar = "!".repeat(Math.min(message.length, 110));
  console.warn(`\n${bar}\n${message}\n${bar}\n`);
}

/**
 * Starts the real control plane (scripts/cluster) once for the cluster test files. When the binaries are not
 * built (no Go on this machine) every cluster test is skipped with a loud message, or the run fails when
 * ENVDECK_REQUIRE_CLUSTER=1 (as .ci/run sets).
 */
export default async function setup(project: TestProject) {
  const binaries = findBinaries();
  const require = process.env.ENVDECK_REQUIRE_CLUSTER === "1";
  if (!binaries) {
    let hasGo = true;
    try {
      execFileSync("go", ["version"], { stdio: "ignore" });
    } catch {
      hasGo = false;
    }
    const message = `KUBERNETES CONTROL PLANE NOT BUILT: every cluster test is SKIPPED. ${hasGo ? "Run scripts/cluster/build.sh." : "Install Go (1.26+) and run scripts/cluster/build.sh."}`;
    loud(message);
    if (require) throw new Error(`${message} ENVDECK_REQUIRE_CLUSTER=1 forbids skipping.`);
    project.provide("cluster", null);
    return;
  }
  if (!binaries.flux) {
    const message = "FLUX CONTROLLERS NOT BUILT: cluster tests act as Flux themselves (their names say so).";
    loud(message);
    if (process.env.ENVDECK_REQUIRE_FLUX === "1") throw new Error(`${message} ENVDECK_REQUIRE_FLUX=1 forbids that.`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "envdeck-cluster-"));
  const controlPlane = await startControlPlane({ dir, binaries, log: (line) => console.log(`[cluster] ${line}`) });

  const actions: Record<string, () => Promise<string | void>> = {
    "/apiserver/stop": () => controlPlane.stopApiServer(),
    "/apiserver/start": () => controlPlane.startApiServer(),
    "/apiserver/bare": () => controlPlane.startBareApiServer(),
  };
  const control = createServer((req, res) => {
    const action = req.method === "POST" ? actions[req.url ?? ""] : undefined;
    if (!action) return void res.writeHead(404).end();
    action().then(
      (result) => res.writeHead(200).end(result ?? ""),
      (error: Error) => res.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  const { port } = control.address() as { port: number };

  project.provide("cluster", {
    server: controlPlane.server,
    kubeconfigPath: controlPlane.kubeconfigPath,
    restrictedKubeconfigPath: controlPlane.restrictedKubeconfigPath,
    invalidKubeconfigPath: controlPlane.invalidKubeconfigPath,
    flux: controlPlane.flux,
    helmRepositoryUrl: controlPlane.helmRepositoryUrl,
    controlUrl: `http://127.0.0.1:${port}`,
  });
  return async () => {
    control.close();
    await controlPlane.stop();
  };
}
