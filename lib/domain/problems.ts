import { GAVE_UP_PREFIX } from "./launch-deadline";
import type { Identity } from "./identity";
import { can } from "./permissions";
import type { Phase } from "./phase";

/**
 * What went wrong with a launch, in words for the person who launched it. The engine and Flux write messages
 * for operators ("dial tcp: lookup … no such host", "may not apply HelmRelease (see deploy/rbac.yaml)"):
 * they are kept as they are on the instance, for staff and behind a "Technical details" disclosure, and
 * classified here into a few kinds a student can understand. Pure, so every sample is unit-tested.
 */

export type ProblemKind =
  | "source-unreachable"
  | "chart-not-found"
  | "install-failed"
  | "timed-out"
  | "cluster-unreachable"
  | "cluster-credentials"
  | "forbidden"
  | "flux-missing"
  | "rejected"
  | "no-cluster"
  | "unknown";

export interface Problem {
  kind: ProblemKind;
  /** Plain words for the owner: what happened and what they can do. */
  summary: string;
  /** For staff: where to look to fix it. */
  fix: string;
}

/** Who reads a message: students get what they can do, staff the cause and the fix. */
export type Audience = "student" | "staff";

export function audienceOf(identity: Identity | null | undefined): Audience {
  return can(identity, "instance:diagnose") ? "staff" : "student";
}

/** What students read when this portal cannot launch at all. */
export const LAUNCHING_UNAVAILABLE = "Launching is unavailable right now. Try again later or ask your teacher.";

/** Why launching is impossible, for `audience`: staff read the operator's reason, which names the fix. */
export function launchUnavailableMessage(operatorReason: string, audience: Audience): string {
  return audience === "staff" ? operatorReason : LAUNCHING_UNAVAILABLE;
}

const NOT_YOUR_FAULT = "This is not something you did. Try again later, or tell your teacher if it keeps happening.";
const SETUP = "Environments cannot be started right now: the system that runs them is not set up correctly.";

const WORDS: Record<ProblemKind, { failed: string; retrying: string; fix: string }> = {
  "source-unreachable": {
    failed: "The environment's chart could not be downloaded.",
    retrying: "The environment's chart cannot be downloaded yet. Still trying.",
    fix: "Check the template's chart URL, and that the cluster can reach it (DNS, firewall, credentials).",
  },
  "chart-not-found": {
    failed: "The environment's chart was not found where its template says it is.",
    retrying: "The environment's chart has not been found yet. Still trying.",
    fix: "Check the template's chart name, version or path against its repository.",
  },
  "install-failed": {
    failed: "The environment could not be installed.",
    retrying: "Installing the environment has not worked yet. Still trying.",
    fix: "Read Flux's message: the chart or the template's values need a fix.",
  },
  "timed-out": {
    failed: "The environment took too long to start.",
    retrying: "Starting is taking longer than usual. Still trying.",
    fix: "Look at the HelmRelease and the workloads in the environment's namespace; raise launch.installTimeoutSeconds if installs are only slow.",
  },
  "cluster-unreachable": {
    failed: "The portal could not reach the system that runs environments.",
    retrying: "The portal cannot reach the system that runs environments right now. Still trying.",
    fix: "Check that the Kubernetes API server is up and reachable from the worker.",
  },
  "cluster-credentials": {
    failed: SETUP,
    retrying: `${SETUP} Still trying.`,
    fix: "Renew the worker's kubeconfig or service account token.",
  },
  forbidden: {
    failed: SETUP,
    retrying: `${SETUP} Still trying.`,
    fix: "Grant the worker's Kubernetes account what deploy/rbac.yaml lists.",
  },
  "flux-missing": {
    failed: SETUP,
    retrying: `${SETUP} Still trying.`,
    fix: "Install Flux's controllers and CRDs on the cluster (flux install).",
  },
  rejected: {
    failed: "The system that runs environments refused this environment's settings.",
    retrying: "The system that runs environments refused this environment's settings.",
    fix: "Fix the template: the cluster's reason is in the message.",
  },
  "no-cluster": {
    failed: "Launching is unavailable right now.",
    retrying: "Launching is unavailable right now. Waiting for it to come back.",
    fix: "Give the worker a cluster: set KUBECONFIG, or run Envdeck inside the cluster.",
  },
  unknown: {
    failed: "The environment could not be started.",
    retrying: "Starting is having trouble. Still trying.",
    fix: "Read the message and the worker's log.",
  },
};

/** The portal's own engine messages (lib/engine, lib/controllers), recognised by their fixed wording. */
const ENGINE_PATTERNS: [RegExp, ProblemKind][] = [
  [/^Launching needs a Kubernetes cluster/, "no-cluster"],
  [/^Cannot reach the Kubernetes API server|^The Kubernetes API server failed to/, "cluster-unreachable"],
  [/rejected Envdeck's credentials/, "cluster-credentials"],
  [/^Envdeck's Kubernetes account may not|\(see deploy\/rbac\.yaml\)/, "forbidden"],
  [/are the Flux CRDs installed/, "flux-missing"],
  [/^The cluster refused to /, "rejected"],
];

/** A chart source that answered, but without the chart: a wrong name, version, path, tag or branch. */
const NOT_FOUND =
  /no chart name found|chart with version matching|no chart version found|chart "[^"]*" (version "[^"]*" )?not found|404 Not Found|MANIFEST_UNKNOWN|manifest unknown|not found: .*oci:|couldn't find remote ref|reference not found|chart path .* not found|no such file or directory/i;

/** Messages about fetching the chart, from the source or from the HelmChart Flux builds from it. */
const SOURCE =
  /^Chart source:|HelmChart '[^']*' is not ready: (invalid chart reference|chart pull error)|failed to fetch Helm repository index|failed to download chart|unable to clone|failed to checkout|failed to login to (the )?OCI registry|failed to determine artifact digest/i;

const INSTALL = /Helm (install|upgrade|test|rollback) failed|execution error at|Failed to (install|upgrade) after \d+ attempt|RetriesExceeded|InstallFailed|UpgradeFailed/i;

/**
 * The kind of a raw engine or Flux message. `step` (where the launch was) decides what an unrecognised
 * message most likely means once the launch gave up: stuck fetching is a source problem, stuck anywhere else
 * took too long.
 */
export function classifyMessage(message: string | null, step: string | null): ProblemKind {
  const text = message ?? "";
  // A launch given up over its limit quotes the last report after its own sentence: classify that report.
  const report = text.startsWith(GAVE_UP_PREFIX) ? (/ Last report: ([\s\S]*)$/.exec(text)?.[1] ?? "") : text;
  for (const [pattern, kind] of ENGINE_PATTERNS) if (pattern.test(report)) return kind;
  if (SOURCE.test(report) || NOT_FOUND.test(report)) return NOT_FOUND.test(report) ? "chart-not-found" : "source-unreachable";
  if (INSTALL.test(report)) return "install-failed";
  if (text.startsWith(GAVE_UP_PREFIX)) return step === "fetching" ? "source-unreachable" : "timed-out";
  return "unknown";
}

/** What a person is told about an instance's trouble; null when there is none to tell. */
export function describeProblem(instance: { phase: Phase; step: string | null; health: string | null; message: string | null }): Problem | null {
  const { phase, step, health, message } = instance;
  const starting = phase === "Pending" || phase === "Provisioning";
  if (phase !== "Failed" && !starting) return null;
  const kind = classifyMessage(message, step);
  // A launch under way is only in trouble when Flux or the engine says something is wrong, not while it
  // merely reports progress ("Running 'install' action").
  if (starting && kind === "unknown" && health !== "degraded") return null;
  const words = WORDS[kind];
  if (starting) return { kind, summary: words.retrying, fix: words.fix };
  return { kind, summary: kind === "no-cluster" ? LAUNCHING_UNAVAILABLE : `${words.failed} ${NOT_YOUR_FAULT}`, fix: words.fix };
}
