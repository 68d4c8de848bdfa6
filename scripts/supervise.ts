import type { ChildProcess } from "node:child_process";

export interface SupervisorOptions {
  /** Names the child in log lines. */
  name: string;
  log: (line: string) => void;
  /** Wait before the first restart; it doubles with each further one, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A child that ran this long before it exited was healthy: the next restart waits `initialDelayMs` again. */
  resetAfterMs?: number;
}

export interface Supervisor {
  /** The running child; null while a restart is pending, and after `stop`. */
  readonly child: ChildProcess | null;
  /** Stops restarting, sends `signal` to the running child and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a child with `spawnChild` and starts it again, with backoff, whenever it ends without `stop`: how
 * `npm start` keeps its worker beside the web server, so a worker that exits never takes the portal down.
 */
export function superviseChild(spawnChild: () => ChildProcess, options: SupervisorOptions): Supervisor {
  const initialDelayMs = options.initialDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const resetAfterMs = options.resetAfterMs ?? 60_000;
  let delayMs = initialDelayMs;
  let current: ChildProcess | null = null;
  let ended: Promise<void> = Promise.resolve();
  let restart: NodeJS.Timeout | undefined;
  let stopping = false;

  const start = () => {
    const startedAt = Date.now();
    const child = spawnChild();
    current = child;
    ended = new Promise((resolve) => {
      let done = false;
      const onEnd = (how: string) => {
        if (done) return;
        done = true;
        current = null;
        resolve();
        if (stopping) return;
        if (Date.now() - startedAt >= resetAfterMs) delayMs = initialDelayMs;
        options.log(`the ${options.name} ${how}; restarting it in ${delayMs / 1000} s`);
        restart = setTimeout(start, delayMs);
        delayMs = Math.min(delayMs * 2, maxDelayMs);
      };
      child.once("exit", (code, signal) => onEnd(signal ? `was killed by ${signal}` : `exited with code ${code}`));
      // Also emitted when a signal cannot be sent; only a child that never started has no pid.
      child.on("error", (error) => {
        if (child.pid === undefined) onEnd(`could not be started (${error.message})`);
      });
    });
  };
  start();

  return {
    get child() {
      return current;
    },
    stop(signal = "SIGTERM") {
      stopping = true;
      clearTimeout(restart);
      current?.kill(signal);
      return ended;
    },
  };
}
