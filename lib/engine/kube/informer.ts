import "server-only";
import { pause } from "@/lib/async";
import type { KubeClient, KubeObject } from "./client";
import { EngineError } from "./errors";

export interface InformerOptions {
  /** Collection path to watch, e.g. /apis/helm.toolkit.fluxcd.io/v2/helmreleases. */
  path: string;
  apiVersion: string;
  kind: string;
  labelSelector: string;
  /** Re-list this often even when the watch is healthy, so a missed event is never permanent. */
  resyncMs?: number;
  /** First and largest wait between reconnection attempts. */
  backoffMs?: [number, number];
  onChange: (object: KubeObject, type: "ADDED" | "MODIFIED" | "DELETED") => void;
  onError?: (error: EngineError | Error, retryInMs: number) => void;
  onSynced?: () => void;
}

const key = (o: KubeObject) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

/**
 * List + watch with a local cache, like client-go's informer: lists, then watches from the list's resource
 * version; re-lists when the version expires (410) and on every resync; on any error it waits with
 * exponential backoff (plus jitter) and starts over, until stopped. It never throws.
 */
export class Informer {
  private readonly cache = new Map<string, KubeObject>();
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private synced = false;

  constructor(
    private readonly client: KubeClient,
    private readonly options: InformerOptions,
  ) {}

  /** True once a list has succeeded since the last error. */
  get hasSynced(): boolean {
    return this.synced;
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.cache.get(`${namespace}/${name}`);
  }

  list(): KubeObject[] {
    return [...this.cache.values()];
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const [firstBackoff, maxBackoff] = this.options.backoffMs ?? [500, 10_000];
    const resyncMs = this.options.resyncMs ?? 5 * 60_000;
    let backoff = firstBackoff;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const { items, resourceVersion } = await this.client.list(this.options.apiVersion, this.options.kind, this.options.labelSelector);
        this.replace(items);
        this.synced = true;
        backoff = firstBackoff;
        this.options.onSynced?.();
        const resyncAt = Date.now() + resyncMs;
        let version = resourceVersion;
        // Watch until the resync is due; each watch ends after a few minutes and continues from the last version.
        while (!signal.aborted && Date.now() < resyncAt) {
          const started = Date.now();
          await withDeadline(signal, resyncAt - Date.now(), (resync) =>
            this.client.watch(
              this.options.path,
              { labelSelector: this.options.labelSelector, resourceVersion: version },
              (type, object) => {
                version = object.metadata?.resourceVersion ?? version;
                this.apply(type, object);
              },
              resync,
            ),
          );
          // A server that ends every watch at once must not turn this loop into a busy one.
          if (Date.now() - started < 1000) await pause(1000, signal);
        }
      } catch (error) {
        if (signal.aborted) break;
        this.synced = false;
        if ((error as { gone?: boolean }).gone) continue;
        const wait = Math.round(backoff * (0.8 + Math.random() * 0.4));
        this.options.onError?.(error as Error, wait);
        await pause(wait, signal);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }

  private apply(type: "ADDED" | "MODIFIED" | "DELETED", object: KubeObject) {
    if (type === "DELETED") this.cache.delete(key(object));
    else this.cache.set(key(object), object);
    this.options.onChange(object, type);
  }

  /** Replaces the cache with a fresh list, reporting what appeared, changed or vanished meanwhile. */
  private replace(items: KubeObject[]) {
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(key(item));
      const old = this.cache.get(key(item));
      if (!old || old.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.apply(old ? "MODIFIED" : "ADDED", item);
    }
    for (const [k, old] of this.cache) if (!seen.has(k)) this.apply("DELETED", old);
  }
}

/** Runs `task` with a signal that aborts when `parent` does or after `ms`; cleans up its listeners after. */
async function withDeadline<T>(parent: AbortSignal, ms: number, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, Math.max(ms, 1));
  parent.addEventListener("abort", abort, { once: true });
  try {
    return await task(controller.signal);
  } finally {
    clearTimeout(timer);
    parent.removeEventListener("abort", abort);
  }
}
