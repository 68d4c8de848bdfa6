import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

/**
 * `npm run demo` and `npm run cluster` on a machine that lacks what they need, or with a bad setting: one
 * clear line and a non-zero exit, before anything is built or started. (What they do when all is there:
 * test/cluster/local-demo.test.ts and test/cluster/local-cluster-command.test.ts.)
 */

const created: string[] = [];
afterAll(() => Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "envdeck-scripts-"));
  created.push(dir);
  return dir;
}

/** Runs a script as npm does, with node itself (so PATH may lack everything) and exactly the given environment. */
async function script(name: "demo" | "cluster", env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "--conditions=react-server", `scripts/${name}.ts`], {
      env: { HOME: process.env.HOME ?? "/root", NODE_ENV: "production", ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each(["demo", "cluster"] as const)("npm run %s", (name) => {
  it("without the control plane built and without Go to build it: one line saying what to install", async () => {
    // An empty PATH has no Go; an empty cache has no built control plane.
    const result = await script(name, { PATH: await tempDir(), ENVDECK_CACHE_DIR: await tempDir(), ENVDECK_DATA_DIR: await tempDir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `[${name}] cannot start: the local Kubernetes control plane is not built, and building it needs Go 1.26 or newer: install Go (https://go.dev/dl/) and run this again (the first build takes about ten minutes)\n`,
    );
  });

  it.each<Record<string, string>>([{ HOST: "http://0.0.0.0" }, { PORT: "3000; rm -rf ~" }, { ENVDECK_EMBEDDED_PG_PORT: "x" }])("with a bad setting %j: one message naming it", async (env) => {
    const result = await script(name, { PATH: process.env.PATH ?? "", ENVDECK_DATA_DIR: await tempDir(), ...env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^\\[${name}\\] cannot start: Invalid configuration:\\n\\s+- ${Object.keys(env)[0]} `));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("npm run demo", () => {
  it("refuses DATABASE_URL, since it runs a database of its own", async () => {
    const dataDir = await tempDir();
    const result = await script("demo", { PATH: process.env.PATH ?? "", ENVDECK_DATA_DIR: dataDir, DATABASE_URL: "postgresql://envdeck@db.example.edu/envdeck" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`[demo] cannot start: npm run demo runs an embedded database of its own under ${path.join(dataDir, "demo")}: unset DATABASE_URL to run it\n`);
  });
});
