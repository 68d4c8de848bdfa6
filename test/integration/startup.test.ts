import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { createPrismaClient, setDb } from "@/lib/db/client";
import { checkDatabase } from "@/lib/db/connect";
import { checkHealth } from "@/lib/services/health/check-health";
import { webServerCommand } from "@/scripts/commands";
import { freePort } from "../support/postgres";

const run = promisify(execFile);

/** Runs `npm start`'s entry point in --prepare-only mode with exactly the given environment. */
async function start(env: Record<string, string>) {
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", NODE_ENV: "production" as const };
  try {
    const { stdout, stderr } = await run("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/start.ts", "--prepare-only"], {
      env: { ...base, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const created: string[] = [];
afterAll(() => Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "envdeck-start-"));
  created.push(dir);
  await chmod(dir, 0o755);
  return dir;
}

describe("start-up", () => {
  it("on embedded defaults: creates the database, migrates, seeds the demo once and keeps data across restarts", async () => {
    const dataDir = await tempDir();
    const port = String(await freePort());
    const first = await start({ ENVDECK_DATA_DIR: dataDir, ENVDECK_EMBEDDED_PG_PORT: port });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied migration/);
    expect(first.stdout).toMatch(/demo accounts created/);
    const file = await readFile(path.join(dataDir, "demo-accounts.txt"), "utf8");
    for (const role of ["admin", "teacher", "student"]) expect(file).toMatch(new RegExp(`^${role}\\s+${role}\\s+\\S{16,}$`, "m"));
    // The printed passwords are the ones in the file.
    const adminPassword = /^admin\s+admin\s+(\S+)$/m.exec(file)![1]!;
    expect(first.stdout).toContain(adminPassword);

    const second = await start({ ENVDECK_DATA_DIR: dataDir, ENVDECK_EMBEDDED_PG_PORT: port });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/schema is up to date/);
    expect(second.stdout).not.toMatch(/demo accounts created/);
    expect(await readFile(path.join(dataDir, "demo-accounts.txt"), "utf8")).toBe(file);
    // Every later start says, in one line, where the passwords are, and never shows them again.
    const pointers = second.stdout.split("\n").filter((line) => line.includes("demo-accounts.txt"));
    expect(pointers).toEqual([`[envdeck] demo accounts and their passwords: ${path.join(dataDir, "demo-accounts.txt")}`]);
    expect(second.stdout).not.toContain(adminPassword);

    // Without the file there is nothing to point at.
    await rm(path.join(dataDir, "demo-accounts.txt"));
    const third = await start({ ENVDECK_DATA_DIR: dataDir, ENVDECK_EMBEDDED_PG_PORT: port });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).not.toMatch(/demo accounts/);
  }, 120_000); // Three starts of a fresh embedded database, each compiling the start script: slow on a busy machine.

  it("on embedded defaults the demo applies and the web server would listen on loopback only", async () => {
    const env = { ENVDECK_DATA_DIR: await tempDir(), ENVDECK_EMBEDDED_PG_PORT: String(await freePort()) };
    const result = await start(env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/demo accounts created/);
    // Where `npm start` tells its web server to listen in this very environment (a real start needs a production build: e2e/start.spec.ts).
    expect(webServerCommand(parseConfig(env), "start").env).toEqual({ HOST: "127.0.0.1", PORT: "3000" });
  });

  it("seeds no demo accounts when OIDC is configured", async () => {
    const dataDir = await tempDir();
    const result = await start({
      ENVDECK_DATA_DIR: dataDir,
      ENVDECK_EMBEDDED_PG_PORT: String(await freePort()),
      OIDC_ISSUER: "https://id.example.edu",
      OIDC_CLIENT_ID: "envdeck",
      OIDC_CLIENT_SECRET: "secret",
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/demo accounts/);
  });

  it.each([
    [{ DATABASE_URL: "not-a-url" }, /cannot start: Invalid configuration:\n\s+- DATABASE_URL must be a URL like postgresql:/],
    [{ DATABASE_URL: "postgresql://envdeck@127.0.0.1:1/envdeck" }, /cannot start: Cannot use the database at 127\.0\.0\.1:1\/envdeck \(ECONNREFUSED/],
    [{ OIDC_ISSUER: "https://id.example.edu" }, /OIDC sign-in is partly configured: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET missing/],
    [{ HOST: "http://0.0.0.0" }, /cannot start: Invalid configuration:\n\s+- HOST must be an IP address \(127\.0\.0\.1, 0\.0\.0\.0, ::\) or a host name/],
    [{ HOST: "0.0.0.0; curl evil.example" }, /cannot start: Invalid configuration:\n\s+- HOST must be an IP address/],
  ])("exits non-zero with one clear line for %j", async (env, message) => {
    const result = await start(env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it("exits non-zero when the data directory is unusable", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "a-file");
    await writeFile(file, "");
    const result = await start({ ENVDECK_DATA_DIR: file, ENVDECK_EMBEDDED_PG_PORT: String(await freePort()) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/cannot start: The data directory .*a-file cannot be used \(EEXIST\)/);
  });

  it("exits non-zero when the data directory holds something that is not a database", async () => {
    const dir = await tempDir();
    await run("mkdir", ["-p", path.join(dir, "postgres")]);
    await writeFile(path.join(dir, "postgres", "notes.txt"), "not a cluster");
    const result = await start({ ENVDECK_DATA_DIR: dir, ENVDECK_EMBEDDED_PG_PORT: String(await freePort()) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/exists but is not a PostgreSQL data directory/);
  });

  it("never echoes the database password in its error", async () => {
    const result = await start({ DATABASE_URL: "postgresql://envdeck:hunter2-secret@127.0.0.1:1/envdeck" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).not.toContain("hunter2-secret");
  });
});

describe("health without a database", () => {
  it("reports degraded without revealing connection details", async () => {
    setDb(createPrismaClient("postgresql://envdeck:hunter2@127.0.0.1:1/envdeck"));
    const health = await checkHealth();
    expect(health.status).toBe("degraded");
    expect(health.database).toMatchObject({ ok: false, error: "database unreachable" });
    expect(JSON.stringify(health)).not.toMatch(/hunter2|127\.0\.0\.1/);
  });

  it("checkDatabase names the target but not the password", async () => {
    await expect(checkDatabase("postgresql://envdeck:hunter2@127.0.0.1:1/envdeck", 1000)).rejects.toThrow(/^Cannot use the database at 127\.0\.0\.1:1\/envdeck/);
    await expect(checkDatabase("postgresql://envdeck:hunter2@127.0.0.1:1/envdeck", 1000)).rejects.not.toThrow(/hunter2/);
  });
});

describe("npm run worker", () => {
  async function worker(env: Record<string, string>) {
    const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", NODE_ENV: "production" as const };
    try {
      await run("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/worker.ts"], { env: { ...base, ...env }, timeout: 60_000 });
      return { code: 0, stderr: "" };
    } catch (error) {
      const e = error as { code: number; stderr: string };
      return { code: e.code, stderr: e.stderr };
    }
  }

  // A database that is unreachable, or not created yet, is waited for instead: worker-start.test.ts.
  it("with a bad ENVDECK_ENGINE: one clear line and exit 1", async () => {
    const engine = await worker({ ENVDECK_ENGINE: "k3s", DATABASE_URL: "postgresql://x@127.0.0.1:1/x" });
    expect(engine.code).toBe(1);
    expect(engine.stderr).toMatch(/ENVDECK_ENGINE must be auto \(find a cluster\) or none/);
  });
});
