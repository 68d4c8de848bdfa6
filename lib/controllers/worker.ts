import "server-only";
import type { ControllerContext } from "./context";
import { findExpiryWork, findLiveInstances } from "./expiry";
import { collectGarbage } from "./gc";
import { reconcileInstance } from "./instances";
import { acquireLeadership } from "./leader";
import { WorkQueue } from "./queue";

export interface WorkerOptions {
  databaseUrl: string;
  context: ControllerContext;
  signal: AbortSignal;
  /** Look at every instance this often, whatever the events said. */
  resyncMs?: number;
  /** Scan for expired instances this often. */
  expiryScanMs?: number;
  gcIntervalMs?: number;
  gcGraceMs?: number;
  concurrency?: number;
  leaderPollMs?: number;
  /** Called whenever this worker becomes the leader, with its queue (for tests and metrics). */
  onLeading?: (queue: WorkQueue) => void;
}

/**
 * The worker: waits to be the leader, then runs the controllers until leadership is lost or `signal` aborts,
 * and goes back to standing by. Wake-ups come from NOTIFY (an instance uuid), from the HelmRelease watch,
 * from the expiry scan and from the periodic resync.
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { context: ctx, signal } = options;
  while (!signal.aborted) {
    const leadership = await acquireLeadership({ databaseUrl: options.databaseUrl, signal, pollMs: options.leaderPollMs, log: ctx.log });
    if (!leadership) return;

    const queue = new WorkQueue((uuid) => reconcileInstance(ctx, uuid), {
      concurrency: options.concurrency ?? 8,
      onError: (uuid, error, retryInMs) => {
        if (!(error as { kind?: string }).kind) ctx.log(`instance ${uuid}: reconcile failed (retry in ${retryInMs} ms): ${(error as Error).stack ?? error}`);
      },
    });
    const resyncAll = async () => {
      for (const uuid of await findLiveInstances()) queue.add(uuid);
    };
    // Periodic tasks log a failure once, not on every tick while it lasts, and say when it is over.
    const failing = new Map<string, string>();
    const guarded = (name: string, task: () => Promise<unknown>) => () =>
      task().then(
        () => failing.delete(name) && ctx.log(`${name} works again`),
        (error: Error) => {
          if (failing.get(name) !== error.message) ctx.log(`${name} failed: ${error.message}`);
          failing.set(name, error.message);
        },
      );

    leadership.onWake((payload) => (payload ? queue.add(payload) : void guarded("resync", resyncAll)()));
    let watchFailing = false;
    ctx.engine?.watch({
      onChange: (uuid) => queue.add(uuid),
      onError: (error, retryInMs) => {
        if (!watchFailing) ctx.log(`watching HelmReleases failed (retrying with backoff, next in ${retryInMs} ms): ${error.message}`);
        watchFailing = true;
      },
      // Events missed while the watch was down are caught up by looking at every instance once.
      onSynced: () => {
        if (!watchFailing) return;
        watchFailing = false;
        ctx.log("watching HelmReleases again");
        void guarded("resync", resyncAll)();
      },
    });
    options.onLeading?.(queue);

    const timers = [
      setInterval(guarded("resync", resyncAll), options.resyncMs ?? 30_000),
      setInterval(guarded("expiry scan", async () => (await findExpiryWork(ctx)).forEach((uuid) => queue.add(uuid))), options.expiryScanMs ?? 5_000),
      setInterval(guarded("garbage collection", () => collectGarbage(ctx, options.gcGraceMs ?? 10 * 60_000)), options.gcIntervalMs ?? 60_000),
    ];
    await guarded("resync", resyncAll)();

    const stopped = new Promise<Error>((resolve) => signal.addEventListener("abort", () => resolve(new Error("stopping")), { once: true }));
    const reason = await Promise.race([leadership.lost, stopped]);
    for (const timer of timers) clearInterval(timer);
    await queue.stop();
    await ctx.engine?.stop();
    await leadership.release();
    if (!signal.aborted) ctx.log(`lost leadership (${reason.message}): standing by`);
  }
}
