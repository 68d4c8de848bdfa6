import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { webServerCommand } from "@/scripts/commands";
import { freePort } from "@/scripts/free-port";
import { expect, test } from "./fixtures";

/**
 * `npm start` itself, on the production build with its embedded defaults: where it listens and what it says
 * about the demo accounts. The portal of the other specs is started by the global setup instead.
 */

const root = path.resolve(import.meta.dirname, "..");

interface Started {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** `npm start`'s entry point as `npm start` runs it, with exactly `env` plus PATH and HOME. */
function npmStart(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/start.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ENVDECK_ENGINE: "none", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Waits until this npm start's web server is up. Next says "Ready" once it listens: until then an answer on
 * the port could come from another server on this machine that was given the same free port.
 */
async function waitForPortal(url: string, started: Started, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited with code ${started.child.exitCode}:\n${started.output()}`);
    if (/Ready in \d/.test(started.output()) && (await fetch(`${url}/api/health`).then((r) => r.ok, () => false))) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`npm start did not answer on ${url} within ${timeoutMs} ms:\n${started.output()}`);
}

/** Whether something accepts connections at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

test.describe("npm start on its embedded defaults", () => {
  test("listens on loopback only, shows the demo passwords once, and says where they are at every later start; HOST opens it", async () => {
    test.setTimeout(240_000);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "envdeck-e2e-start-"));
    // The embedded PostgreSQL runs as its own OS user when started as root: it must reach the directory.
    await chmod(dataDir, 0o755);
    const port = await freePort();
    const env = { ENVDECK_DATA_DIR: dataDir, ENVDECK_EMBEDDED_PG_PORT: String(await freePort()), PORT: String(port) };
    const file = path.join(dataDir, "demo-accounts.txt");
    try {
      const first = npmStart(env);
      try {
        await waitForPortal(`http://127.0.0.1:${port}`, first);
        expect(first.output()).toContain(`demo accounts created (shown once; also saved to ${file})`);
        expect(first.output()).toContain(`portal starting on http://localhost:${port} (listening on 127.0.0.1 only; set HOST=0.0.0.0 to accept other machines)`);
        // 127.0.0.2 is this machine too: a server on every interface would answer there, one on 127.0.0.1 does not.
        expect(await accepts("127.0.0.2", port), first.output()).toBe(false);
      } finally {
        await first.stop();
      }
      // Stopping npm start stops its web server too.
      expect(await accepts("127.0.0.1", port), first.output()).toBe(false);
      const password = /^\[envdeck\]\s+admin\s+admin\s+(\S+)$/m.exec(first.output())![1]!;

      // A port of its own: the first one, once released, may be given to another server on this machine.
      const secondPort = await freePort();
      const second = npmStart({ ...env, PORT: String(secondPort), HOST: "0.0.0.0" });
      try {
        await waitForPortal(`http://127.0.0.1:${secondPort}`, second);
        expect(await accepts("127.0.0.2", secondPort), second.output()).toBe(true);
        expect(second.output()).toContain(`[envdeck] demo accounts and their passwords: ${file}`);
        expect(second.output()).not.toContain(password);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

test.describe("the web server", () => {
  test("a port already taken is one clear line and exit code 1", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const web = webServerCommand({ host: "127.0.0.1", port }, "start");
      const child = spawn(web.command, web.args, {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...web.env, DATABASE_URL: "postgresql://envdeck@127.0.0.1:1/envdeck" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code, output).toBe(1);
      expect(output).toContain(`[web] cannot listen on 127.0.0.1 port ${port}: something else listens there. Set PORT (and HOST) to another.`);
      expect(output).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
