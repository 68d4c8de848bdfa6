import { describe, expect, it } from "vitest";
import { WorkQueue } from "@/lib/controllers/queue";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe("WorkQueue", () => {
  it("never runs one key twice at once, and runs it again when it was added meanwhile", async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const queue = new WorkQueue(
      async () => {
        running++;
        runs++;
        maxRunning = Math.max(maxRunning, running);
        await tick(20);
        running--;
      },
      { concurrency: 4 },
    );
    queue.add("a");
    await tick();
    queue.add("a");
    queue.add("a");
    await queue.idle();
    expect(maxRunning).toBe(1);
    expect(runs).toBe(2);
  });

  it("collapses adds of a waiting key and respects the concurrency", async () => {
    let running = 0;
    let maxRunning = 0;
    const seen: string[] = [];
    const queue = new WorkQueue(
      async (key) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        seen.push(key);
        await tick(10);
        running--;
      },
      { concurrency: 2 },
    );
    for (const key of ["a", "b", "c", "c", "c", "d"]) queue.add(key);
    await queue.idle();
    expect(seen.sort()).toEqual(["a", "b", "c", "d"]);
    expect(maxRunning).toBe(2);
  });

  it("retries a failing key with growing delays and reports each failure", async () => {
    const attempts: number[] = [];
    const delays: number[] = [];
    const queue = new WorkQueue(
      async () => {
        attempts.push(Date.now());
        if (attempts.length < 3) throw new Error("boom");
      },
      { concurrency: 1, backoffMs: [20, 1000], onError: (_key, _error, retryIn) => delays.push(retryIn) },
    );
    queue.add("x");
    while (attempts.length < 3) await tick(5);
    expect(delays).toEqual([20, 40]);
    await queue.stop();
  });

  it("runs a key again after the delay its handler asks for, and stop() cancels pending retries", async () => {
    let runs = 0;
    const queue = new WorkQueue(
      async () => {
        runs++;
        return runs < 2 ? 10 : null;
      },
      { concurrency: 1 },
    );
    queue.add("k");
    while (runs < 2) await tick(5);
    queue.add("k", 50);
    await queue.stop();
    await tick(80);
    expect(runs).toBe(2);
  });
});
