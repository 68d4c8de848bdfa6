import { setTimeout as delay } from "node:timers/promises";

/** Waits `ms`, or less when `signal` aborts first; never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

export interface RetryOptions {
  signal: AbortSignal;
  /** Wait after the first failure; it doubles after each further failure, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Errors no retry can fix (a misconfiguration): rethrown at once. */
  isPermanent?: (error: unknown) => boolean;
  /** Told about a failure unlike the previous one (by message), not about every retry of the same failure. */
  onNewFailure?: (message: string, retryInMs: number) => void;
}

/** The line of an error message that says what went wrong: the last one (Prisma puts a code frame first). */
function errorSummary(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n").map((line) => line.trim()).filter(Boolean);
  return lines.at(-1) ?? (error instanceof Error ? error.name : "unknown error");
}

/**
 * Runs `attempt` until it succeeds, waiting with exponential backoff between failures: for work that depends
 * on something that may come later, such as a database still starting or briefly away. Rejects with a
 * permanent error, or with `signal.reason` once `signal` aborts.
 */
export async function retryWithBackoff<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { signal } = options;
  const maxDelayMs = options.maxDelayMs ?? 15_000;
  let delayMs = options.initialDelayMs ?? 500;
  let previous: string | null = null;
  for (;;) {
    signal.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      signal.throwIfAborted();
      if (options.isPermanent?.(error)) throw error;
      const message = errorSummary(error);
      if (message !== previous) options.onNewFailure?.(message, delayMs);
      previous = message;
      await pause(delayMs, signal);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}
