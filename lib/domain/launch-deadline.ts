import type { Phase } from "./phase";
import { formatDuration } from "./progress";
import { SETTING_KEYS, type LaunchSettings } from "./settings";

/**
 * The bound on a launch: an instance that stays at one provisioning step longer than the limit for that step
 * is given up as Failed, instead of "starting" until its TTL runs out. Fetching the chart has a limit of its
 * own; applying the objects and installing the chart share the install limit. The clock restarts whenever the
 * step changes, so a source that recovers in time lets the launch go on. Pure: the reconciler supplies the
 * row, the settings and the clock.
 */

/** Only launches under way are bounded; a running, failed or ending instance is not. */
const BOUNDED_PHASES: readonly Phase[] = ["Pending", "Provisioning"];

type BoundedStep = "applying" | "fetching" | "installing";

const STEP_WORDS: Record<BoundedStep, string> = {
  applying: "applying the release to the cluster",
  fetching: "fetching the chart",
  installing: "installing the chart",
};

/** How a failure for going over the limit starts: the message classifier recognises it by this. */
export const GAVE_UP_PREFIX = "Gave up after ";

/** The longest message an instance row holds. */
const MAX_MESSAGE = 4000;

export interface DeadlineInput {
  phase: Phase;
  /** The step recorded on the instance; null before the worker ever applied it. */
  step: string | null;
  /** When that step began; null for a row that has none yet (its creation counts instead). */
  stepStartedAt: Date | null;
  createdAt: Date;
  /** The last report recorded on the instance, kept in the failure's message for staff. */
  message: string | null;
}

export type DeadlineDecision =
  | { state: "unbounded" }
  | { state: "waiting"; remainingMs: number }
  | { state: "overdue"; step: BoundedStep; limitSeconds: number; message: string };

/** The step a bound applies to: a Pending instance (never applied) is still applying. */
function boundedStep(phase: Phase, step: string | null): BoundedStep {
  if (phase === "Pending" || step === null || step === "applying") return "applying";
  return step === "fetching" ? "fetching" : "installing";
}

/** Whether the launch has gone over the limit of the step it is at, and if not, how long it has left. */
export function decideLaunchDeadline(instance: DeadlineInput, limits: LaunchSettings, now: Date): DeadlineDecision {
  if (!BOUNDED_PHASES.includes(instance.phase)) return { state: "unbounded" };
  const step = boundedStep(instance.phase, instance.step);
  const fetching = step === "fetching";
  const limitSeconds = fetching ? limits.fetchTimeoutSeconds : limits.installTimeoutSeconds;
  const since = instance.stepStartedAt ?? instance.createdAt;
  const remainingMs = since.getTime() + limitSeconds * 1000 - now.getTime();
  if (remainingMs > 0) return { state: "waiting", remainingMs };
  const setting = fetching ? SETTING_KEYS.fetchTimeout : SETTING_KEYS.installTimeout;
  const last = instance.message ? ` Last report: ${instance.message}` : "";
  const message = `${GAVE_UP_PREFIX}${formatDuration(limitSeconds)} without progress ${STEP_WORDS[step]} (the limit is the setting ${setting}).${last}`;
  return { state: "overdue", step, limitSeconds, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message };
}
