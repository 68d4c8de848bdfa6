import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { cluster, describeWithCluster, waitFor } from "@/test/support/cluster";

/**
 * `npm run cluster` as a user runs it, with their own data directory, ports and address set: the command it
 * prints must keep them, and the charts it lists must be the ones its Helm repository serves.
 */
describeWithCluster("npm run cluster", () => {
  it("prints a start command that keeps the user's settings, and the charts its Helm repository serves", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "envdeck cluster "));
    const env = { ENVDECK_DATA_DIR: dataDir, ENVDECK_EMBEDDED_PG_PORT: "55431", PORT: "8081", HOST: "0.0.0.0" };
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/cluster.ts"], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "production",
        ...(process.env.ENVDECK_CACHE_DIR && { ENVDECK_CACHE_DIR: process.env.ENVDECK_CACHE_DIR }),
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      const command = await waitFor("the start command", async () => {
        if (child.exitCode !== null) throw new Error(`npm run cluster exited with code ${child.exitCode}:\n${output}`);
        return /^ {2}(KUBECONFIG=.* npm start)$/m.exec(output)?.[1];
      });
      const kubeconfig = path.join(dataDir, "cluster", "kubeconfig");
      expect(command).toBe(`KUBECONFIG='${kubeconfig}' ENVDECK_DATA_DIR='${dataDir}' ENVDECK_EMBEDDED_PG_PORT=55431 PORT=8081 HOST=0.0.0.0 npm start`);

      if (!cluster!.flux) return;
      const repository = /Helm repository at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      for (const chart of ["envdeck-broken", "envdeck-hello", "envdeck-test"]) {
        expect(output).toMatch(new RegExp(`^\\[cluster\\] +${chart} +version 0\\.1\\.0 +repository ${repository}`, "m"));
      }
      // The repository answers with exactly those charts, at the versions listed.
      const index = (await (await fetch(`${repository}/index.yaml`)).json()) as { entries: Record<string, { version: string }[]> };
      expect(Object.keys(index.entries).sort()).toEqual(["envdeck-broken", "envdeck-hello", "envdeck-test"]);
      expect(index.entries["envdeck-hello"]![0]!.version).toBe("0.1.0");
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
