import { RUNNING_PHASES, type Phase } from "./phase";

/**
 * The launch progress timeline: four steps a person can follow, derived from the instance's phase and
 * the provisioning step Flux last reported. Pure, so every phase and step combination is unit-tested.
 */

export const PROGRESS_STEPS = [
  { id: "queued", label: "Queued", hint: "Waiting for its turn" },
  { id: "applying", label: "Applying", hint: "Preparing its space and downloading its chart" },
  { id: "installing", label: "Installing", hint: "Installing the environment" },
  { id: "ready", label: "Ready", hint: "Your environment is up" },
] as const;

export type ProgressStepId = (typeof PROGRESS_STEPS)[number]["id"];
export type StepState = "done" | "current" | "todo" | "failed";
export type ProgressOutcome = "progressing" | "ready" | "failed" | "ended";

export interface LaunchProgress {
  outcome: ProgressOutcome;
  steps: { id: ProgressStepId; label: string; hint: string; state: StepState }[];
}

/** Which step the instance is at (0-based), from the Flux step recorded on it. */
function stepIndex(phase: Phase, step: string | null): number {
  if (phase === "Pending") return 0;
  if (step === "installing" || step === "ready") return 2;
  // Provisioning without a recorded step, or applying / fetching the chart.
  return 1;
}

export function launchProgress(instance: { phase: Phase; step: string | null }): LaunchProgress {
  const { phase, step } = instance;
  let outcome: ProgressOutcome = "progressing";
  let current: number;
  if (RUNNING_PHASES.includes(phase)) {
    outcome = "ready";
    current = PROGRESS_STEPS.length;
  } else if (phase === "Expiring") {
    outcome = "ended";
    current = PROGRESS_STEPS.length;
  } else {
    // A failure before the worker ever applied anything (no step) stopped at applying.
    current = phase === "Failed" ? Math.max(1, stepIndex(phase, step)) : stepIndex(phase, step);
    if (phase === "Failed") outcome = "failed";
  }
  return {
    outcome,
    steps: PROGRESS_STEPS.map((s, index) => ({
      ...s,
      state: index < current ? "done" : index > current ? "todo" : outcome === "failed" ? "failed" : "current",
    })),
  };
}

/** "about 40 s left", or a plain word once the estimate has passed; null without an estimate. */
export function describeEstimate(elapsedSeconds: number, estimateSeconds: number | null): string | null {
  if (estimateSeconds === null) return null;
  const left = Math.round(estimateSeconds - elapsedSeconds);
  if (left <= 0) return "taking a little longer than usual";
  return `about ${formatDuration(left)} left`;
}

/** A short human duration: "45 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const minutes = Math.floor((s % 3600) / 60);
  return minutes === 0 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 3600)} h ${minutes} min`;
}

/**
 * A moment as a person reads it on a card: the time alone when it falls on the same day as `now`, else the
 * day too ("Wed 26 Nov, 09:15"). `timeZone` undefined means the reader's own.
 */
export function formatWhen(date: Date, now: Date, options: { locale?: string; timeZone?: string } = {}): string {
  const { locale, timeZone } = options;
  const day = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit" }).format(date);
  if (day(date) === day(now)) return time;
  return `${new Intl.DateTimeFormat(locale, { timeZone, weekday: "short", day: "numeric", month: "short" }).format(date)}, ${time}`;
}
