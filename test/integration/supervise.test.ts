import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { superviseChild, type Supervisor, type SupervisorOptions } from "@/scripts/supervise";

/**
 * How `npm start` keeps its worker running: real node processes that exit, crash, are killed from outside
 * or cannot be started, under the same supervisor start.ts uses (with shorter delays).
 */

const supervisors: Supervisor[] = [];
afterEach(async () => {
  for (const supervisor of supervisors.splice(0)) await supervisor.stop();
});

/** Supervises `node -e <code>`; records every child started and every line logged. */
function supervise(code: string, options: Partial<SupervisorOptions> = {}, command = process.execPath) {
  const started: ChildProcess[] = [];
  const lines: string[] = [];
  const supervisor = superviseChild(
    () => {
      const child = spawn(command, ["-e", code], { stdio: "ignore" });
      started.push(child);
      return child;
    },
    { name: "worker", log: (line) => lines.push(line), initialDelayMs: 50, maxDelayMs: 200, ...options },
  );
  supervisors.push(supervisor);
  return { supervisor, started, lines };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FOREVER = "setInterval(() => undefined, 1000)";

describe("superviseChild", () => {
  it("restarts a child that exits, waiting twice as long each time up to the cap, with one line per exit", async () => {
    const { started, lines } = supervise("process.exit(3)");
    await until(() => started.length >= 5);
    expect(lines.slice(0, 4)).toEqual([
      "the worker exited with code 3; restarting it in 0.05 s",
      "the worker exited with code 3; restarting it in 0.1 s",
      "the worker exited with code 3; restarting it in 0.2 s",
      "the worker exited with code 3; restarting it in 0.2 s",
    ]);
  });

  it("starts the backoff over once a child has run long enough", async () => {
    const { started, lines } = supervise("setTimeout(() => process.exit(4), 300)", { resetAfterMs: 200 });
    await until(() => started.length >= 3);
    expect(lines.slice(0, 2)).toEqual(["the worker exited with code 4; restarting it in 0.05 s", "the worker exited with code 4; restarting it in 0.05 s"]);
  });

  it("restarts a child killed from outside, and stop() ends the running one for good", async () => {
    const { supervisor, started, lines } = supervise(FOREVER);
    await until(() => started[0]?.pid !== undefined);
    process.kill(started[0]!.pid!, "SIGKILL");
    await until(() => started.length === 2 && supervisor.child === started[1]);
    expect(lines).toEqual(["the worker was killed by SIGKILL; restarting it in 0.05 s"]);
    expect(started[1]!.pid).not.toBe(started[0]!.pid);

    await supervisor.stop();
    expect(started[1]!.signalCode).toBe("SIGTERM");
    expect(supervisor.child).toBeNull();
    await sleep(300);
    expect(started).toHaveLength(2);
    expect(lines).toHaveLength(1);
  });

  it("stop() while a restart is pending cancels it", async () => {
    const { supervisor, started } = supervise("process.exit(1)", { initialDelayMs: 400 });
    await until(() => started[0]?.exitCode === 1);
    await supervisor.stop();
    await sleep(600);
    expect(started).toHaveLength(1);
  });

  it("retries a child that cannot be started at all like one that exits", async () => {
    const { started, lines } = supervise(FOREVER, {}, "/nonexistent/envdeck-worker");
    await until(() => started.length >= 3);
    expect(lines[0]).toMatch(/^the worker could not be started \(spawn \/nonexistent\/envdeck-worker ENOENT\); restarting it in 0\.05 s$/);
  });
});
