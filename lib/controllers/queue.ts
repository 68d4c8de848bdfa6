/**
 * A work queue in the manner of client-go's: a key is never processed by two workers at once, a key added
 * while it is being processed runs once more afterwards, adds of a waiting key collapse into one, and a
 * failing key is retried with per-key exponential backoff. Keys are instance uuids.
 */
export type Handler = (key: string) => Promise<number | null | void>;

export interface WorkQueueOptions {
  concurrency: number;
  /** First and largest retry delay after a failure. */
  backoffMs?: [number, number];
  onError?: (key: string, error: unknown, retryInMs: number) => void;
}

export class WorkQueue {
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private active = 0;
  private stopped = false;

  constructor(
    private readonly handler: Handler,
    private readonly options: WorkQueueOptions,
  ) {}

  /** Queues a key now, or after `delayMs` (an earlier request wins over a later one). */
  add(key: string, delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs > 0) {
      const at = Date.now() + delayMs;
      const existing = this.timers.get(key);
      if (existing && existing.at <= at) return;
      if (existing) clearTimeout(existing.timer);
      const timer = setTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, delayMs);
      timer.unref();
      this.timers.set(key, { at, timer });
      return;
    }
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.waiting.push(key);
    this.pump();
  }

  get size(): number {
    return this.waiting.length + this.active;
  }

  /** Resolves when nothing is queued or running (delayed retries do not count). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work and waits for what is running. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
    this.queued.clear();
    await this.idle();
  }

  private pump() {
    while (!this.stopped && this.active < this.options.concurrency && this.waiting.length > 0) {
      const key = this.waiting.shift()!;
      this.queued.delete(key);
      this.processing.add(key);
      this.active++;
      void this.process(key);
    }
  }

  private async process(key: string) {
    const [first, max] = this.options.backoffMs ?? [250, 15_000];
    let retryIn: number | null = null;
    try {
      const requeue = await this.handler(key);
      this.failures.delete(key);
      if (typeof requeue === "number") retryIn = requeue;
    } catch (error) {
      const attempts = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempts);
      retryIn = Math.min(first * 2 ** (attempts - 1), max);
      this.options.onError?.(key, error, retryIn);
    } finally {
      this.processing.delete(key);
      this.active--;
      if (this.dirty.delete(key)) this.add(key);
      else if (retryIn !== null) this.add(key, retryIn);
      this.pump();
      if (this.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
