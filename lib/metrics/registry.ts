import "server-only";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The Prometheus registry and its instruments (docs/architecture.md, "Metrics"). Kept on `globalThis`: the web
 * process loads the portal's modules twice (the production build's copy and the front's, scripts/web.ts), and
 * a launch counted by either must show in the one `/api/metrics` answer.
 */

export interface Instruments {
  registry: Registry;
  /** Launches that succeeded, by how: the owner's existing environment, a warm pool member, or a new one. */
  launches: Counter<"outcome">;
  /** Launches refused, by the refusal's code (QUOTA_EXCEEDED, POOL_EXHAUSTED, INVALID_INPUT, …). */
  launchRefusals: Counter<"code">;
  /** Time a launch takes in the web process, from the call to its answer, by outcome. */
  launchSeconds: Histogram<"outcome">;
  /** Environments in the database by template and phase, read when Prometheus scrapes. */
  instances: Gauge<"template" | "phase">;
}

function createInstruments(): Instruments {
  const registry = new Registry();
  return {
    registry,
    launches: new Counter({ name: "envdeck_launches_total", help: "Launches that succeeded, by outcome (existing, claimed, created).", labelNames: ["outcome"], registers: [registry] }),
    launchRefusals: new Counter({ name: "envdeck_launch_refusals_total", help: "Launches refused, by the refusal's code.", labelNames: ["code"], registers: [registry] }),
    launchSeconds: new Histogram({
      name: "envdeck_launch_duration_seconds",
      help: "Time from a launch request to its answer in the web process, by outcome.",
      labelNames: ["outcome"],
      // A claim takes milliseconds, a new environment's database work tens of them; the install is the worker's.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    instances: new Gauge({ name: "envdeck_instances", help: "Environments that are not deleted, by template and phase.", labelNames: ["template", "phase"], registers: [registry] }),
  };
}

const holder = globalThis as unknown as { envdeckMetrics?: Instruments };

/** The process's instruments, created on first use. */
export function metrics(): Instruments {
  return (holder.envdeckMetrics ??= createInstruments());
}
