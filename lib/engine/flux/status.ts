/**
 * Maps what Flux reports (HelmRelease and source conditions) onto what the portal shows: whether the
 * instance is still provisioning, ready or failed, a health word, the step it is at and a message a person
 * can act on. Pure, so every condition combination is unit-tested.
 */

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown" | string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export interface FluxObjectStatus {
  metadata?: { generation?: number; deletionTimestamp?: string };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

export type ReleaseState = "progressing" | "ready" | "failed";
export type ReleaseStep = "applying" | "fetching" | "installing" | "ready" | "failed";
export type Health = "healthy" | "progressing" | "degraded" | "failed";

export interface ReleaseStatus {
  state: ReleaseState;
  step: ReleaseStep;
  health: Health;
  message: string;
}

/** HelmRelease `Ready=False` reasons after which Flux will not succeed without a change. */
const FAILED_REASONS = new Set([
  "InstallFailed",
  "UpgradeFailed",
  "TestFailed",
  "RollbackFailed",
  "UninstallFailed",
  "RetriesExceeded",
  "InvalidChartReference",
  "AccessDenied",
]);

/** Reasons Flux gives while it still waits for the chart; it retries them by itself. */
const FETCHING_REASONS = new Set(["SourceNotReady", "ArtifactFailed"]);

const MAX_MESSAGE = 1000;

export function findCondition(object: FluxObjectStatus | undefined, type: string): Condition | undefined {
  return object?.status?.conditions?.find((c) => c.type === type);
}

function clip(message: string): string {
  const oneLine = message.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE - 1)}…` : oneLine;
}

function isCurrent(object: FluxObjectStatus): boolean {
  const generation = object.metadata?.generation;
  const observed = object.status?.observedGeneration;
  return generation === undefined || observed === undefined || observed >= generation;
}

/**
 * The state of a release from its HelmRelease and, when known, its source. A missing HelmRelease means it is
 * still being applied.
 */
export function mapReleaseStatus(helmRelease: FluxObjectStatus | undefined, source?: FluxObjectStatus): ReleaseStatus {
  if (!helmRelease) return { state: "progressing", step: "applying", health: "progressing", message: "Creating the release" };

  const ready = findCondition(helmRelease, "Ready");
  const stalled = findCondition(helmRelease, "Stalled");
  const sourceReady = findCondition(source, "Ready");
  const sourceStalled = findCondition(source, "Stalled");

  if (stalled?.status === "True") {
    return { state: "failed", step: "failed", health: "failed", message: clip(stalled.message || ready?.message || "Flux stopped retrying the release") };
  }
  if (sourceStalled?.status === "True") {
    return { state: "failed", step: "failed", health: "failed", message: clip(`Chart source: ${sourceStalled.message || sourceStalled.reason || "stalled"}`) };
  }
  if (ready?.status === "True" && isCurrent(helmRelease) && (ready.observedGeneration === undefined || ready.observedGeneration >= (helmRelease.metadata?.generation ?? 0))) {
    return { state: "ready", step: "ready", health: "healthy", message: clip(ready.message || "Release is ready") };
  }
  if (ready?.status === "False" && ready.reason && FAILED_REASONS.has(ready.reason)) {
    return { state: "failed", step: "failed", health: "failed", message: clip(ready.message || ready.reason) };
  }
  if (sourceReady?.status === "False") {
    return { state: "progressing", step: "fetching", health: "degraded", message: clip(`Chart source: ${sourceReady.message || sourceReady.reason || "not ready"}`) };
  }
  const released = findCondition(helmRelease, "Released");
  // Flux saying it waits for the chart wins over a ready source: a repository that answers but lacks the
  // chart (a wrong name or version) has a ready HelmRepository and a HelmChart that is not.
  const waitingForChart = ready?.status === "False" && FETCHING_REASONS.has(ready.reason ?? "");
  const fetching = waitingForChart || (sourceReady ? sourceReady.status !== "True" : !released && (!ready || FETCHING_REASONS.has(ready.reason ?? "")));
  if (ready?.status === "False" && !fetching) {
    return { state: "progressing", step: "installing", health: "degraded", message: clip(ready.message || ready.reason || "Flux is retrying the release") };
  }
  if (fetching) {
    return { state: "progressing", step: "fetching", health: "progressing", message: clip(ready?.message || "Waiting for Flux to fetch the chart") };
  }
  return { state: "progressing", step: "installing", health: "progressing", message: clip(ready?.message || "Installing the chart") };
}

/** A condition as kept on the instance for admins: which object reported it, and what it said when. */
export interface RecordedCondition {
  /** The kind of the Flux object: HelmRelease, HelmRepository, GitRepository, OCIRepository. */
  object: string;
  type: string;
  status: string;
  reason: string | null;
  message: string | null;
  /** When the condition last changed, as Flux wrote it; null when it did not say. */
  at: string | null;
}

/** Conditions kept per object: Flux sets a handful; anything past this is not worth a row's space. */
const MAX_CONDITIONS = 12;

/**
 * The conditions of the objects read for an instance, in the order given and as Flux wrote them, cut to sizes
 * a row can hold (messages on one line, like the instance's message). Objects that were not read are skipped.
 */
export function recordConditions(objects: { kind: string; object: FluxObjectStatus | undefined }[]): RecordedCondition[] {
  const text = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? clip(value) : null);
  return objects.flatMap(({ kind, object }) =>
    (Array.isArray(object?.status?.conditions) ? object.status.conditions : [])
      .filter((c): c is Condition => typeof c === "object" && c !== null && typeof c.type === "string")
      .slice(0, MAX_CONDITIONS)
      .map((c) => ({
        object: kind,
        type: c.type.slice(0, 100),
        status: String(c.status ?? "Unknown").slice(0, 20),
        reason: text(c.reason)?.slice(0, 200) ?? null,
        message: text(c.message),
        at: typeof c.lastTransitionTime === "string" ? c.lastTransitionTime.slice(0, 40) : null,
      })),
  );
}
