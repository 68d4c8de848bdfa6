import "server-only";
import type { ControllerContext } from "./context";
import { findExpiryWork, findLiveInstances } from "./expiry";
import { collectGarbage } from "./gc";
import { reconcileInstance } from "./instances";
import { acquireLeadership } from "./leader";
import { enforceRetention } from "./retention";
import { POOL_WAKE_PREFIX, SETTINGS_WAKE } from "@/lib/db/coordination";
import { findPoolTemplates, reconcilePool } from "./pools";
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
  /** Delete audit entries past their retention (and stale sign-in attempts) this often. */
  retentionMs?: number;
  /** Scan every pool this often (claims and releases also wake a pool at once). */
  poolScanMs?: number;
  /** Pool members created per pool and pass; the rest follow in the next pass. */
  poolRefillBatch?: number;
  /** Reconciles of unclaimed pool members at once: a budget of their own, apart from users' instances. */
  poolConcurrency?: number;
  leaderPollMs?: number;
  /** Called whenever this worker becomes the leader, with its queue (for tests and metrics). */
  onLeading?: (queue: WorkQueue) => void;
}

/**
 * The worker: waits to be the leader, then runs the controllers until leadership is lost or `signal` aborts,
 * and goes back to standing by. Wake-ups come from NOTIFY (an instance uuid or a pool), from the HelmRelease
 * watch, from the expiry and pool scans and from the periodic resync.
 *
 * Users' instances and unclaimed pool members are reconciled by two queues with their own concurrency, so a
 * pool refilling many members never makes a user's launch wait.
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { context: ctx, signal } = options;
  // Said once per worker, not once per pool and scan: every pool scan finds the same reason.
  let saidNoCluster = false;
  while (!signal.aborted) {
    const leadership = await acquireLeadership({ databaseUrl: options.databaseUrl, signal, pollMs: options.leaderPollMs, log: ctx.log });
    if (!leadership) return;

    const logInstanceError = (uuid: string, error: unknown, retryInMs: number) => {
      if (!(error as { kind?: string }).kind) ctx.log(`instance ${uuid}: reconcile failed (retry in ${retryInMs} ms): ${(error as Error).stack ?? error}`);
    };
    // A member that turns ready or fails wakes its pool (a roll goes on, a replacement starts) without waiting for the scan.
    const reconcilers: ControllerContext = { ...ctx, wakePool: (templateId) => poolQueue.add(templateId) };
    const queue = new WorkQueue((uuid) => reconcileInstance(reconcilers, uuid), { concurrency: options.concurrency ?? 8, onError: logInstanceError });
    const memberQueue = new WorkQueue((uuid) => reconcileInstance(reconcilers, uuid), { concurrency: options.poolConcurrency ?? 2, onError: logInstanceError });
    const poolQueue: WorkQueue = new WorkQueue(
      async (templateId) => {
        const pass = await reconcilePool(ctx, templateId, options.poolRefillBatch ?? 5);
        if (pass.noCluster && !saidNoCluster) {
          saidNoCluster = true;
          ctx.log(`no pool members are created: ${ctx.noEngineReason}`);
        }
        for (const uuid of [...pass.created, ...pass.removed]) memberQueue.add(uuid);
        if (pass.created.length > 0 || pass.removed.length > 0) ctx.log(`pool ${templateId}: +${pass.created.length} −${pass.removed.length}`);
        // A warm-up entering its lead time or ending changes the pool's size with no event: look again then.
        // (At most an hour ahead: a timer further out would overflow, and the pool scan looks in between anyway.)
        const untilChange = pass.nextChangeAt ? Math.min(3600_000, Math.max(1, pass.nextChangeAt.getTime() - ctx.now().getTime() + 50)) : null;
        if (pass.more) return untilChange === null ? 250 : Math.min(250, untilChange);
        return untilChange;
      },
      {
        concurrency: 1,
        onError: (templateId, error, retryInMs) => ctx.log(`pool ${templateId}: reconcile failed (retry in ${retryInMs} ms): ${(error as Error).message}`),
      },
    );
    const route = (uuid: string, unclaimedMember: boolean) => (unclaimedMember ? memberQueue : queue).add(uuid);
    const resyncAll = async () => {
      for (const { uuid, unclaimedMember } of await findLiveInstances()) route(uuid, unclaimedMember);
    };
    const scanPools = async () => {
      for (const templateId of await findPoolTemplates()) poolQueue.add(templateId);
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

    // A backlog (a shortened retention) is worked off a pass at a time, each after the one before.
    let retentionAgain: ReturnType<typeof setTimeout> | undefined;
    let leading = true;
    const retention = guarded("retention", async () => {
      clearTimeout(retentionAgain);
      if ((await enforceRetention(ctx)).more && leading) retentionAgain = setTimeout(() => void retention(), 1000);
    });

    leadership.onWake((payload) => {
      if (!payload) void guarded("resync", resyncAll)();
      else if (payload === SETTINGS_WAKE) {
        // Settings shape every instance's objects (Flux interval, timeout …) and new pool members: look again.
        ctx.settings.invalidate();
        void guarded("resync", resyncAll)();
        void guarded("pool scan", scanPools)();
        void retention();
      } else if (payload.startsWith(POOL_WAKE_PREFIX)) poolQueue.add(payload.slice(POOL_WAKE_PREFIX.length));
      else queue.add(payload);
    });
    let watchFailing = false;
    ctx.engine?.watch({
      onChange: route,
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
      setInterval(guarded("pool scan", scanPools), options.poolScanMs ?? 10_000),
      setInterval(guarded("garbage collection", () => collectGarbage(ctx, options.gcGraceMs ?? 10 * 60_000)), options.gcIntervalMs ?? 60_000),
      setInterval(retention, options.retentionMs ?? 10 * 60_000),
    ];
    await guarded("resync", resyncAll)();
    await guarded("pool scan", scanPools)();
    void retention();

    // The signal may have come while the controllers settled in above, before this listener existed.
    const stopped = new Promise<Error>((resolve) => {
      if (signal.aborted) resolve(new Error("stopping"));
      signal.addEventListener("abort", () => resolve(new Error("stopping")), { once: true });
    });
    const reason = await Promise.race([leadership.lost, stopped]);
    leading = false;
    for (const timer of timers) clearInterval(timer);
    clearTimeout(retentionAgain);
    await Promise.all([queue.stop(), memberQueue.stop(), poolQueue.stop()]);
    await ctx.engine?.stop();
    await leadership.release();
    if (!signal.aborted) ctx.log(`lost leadership (${reason.message}): standing by`);
  }
}
