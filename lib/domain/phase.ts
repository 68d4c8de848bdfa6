/**
 * The instance phase machine (docs/architecture.md, "Instance"). Every phase change in the code goes through
 * `nextPhase`, so an illegal transition is found as a bug instead of silently corrupting state.
 *
 *   Pending → Provisioning → Ready                  (on-demand)
 *   Pending → Provisioning → Available → Claimed    (pool)
 *   any → Expiring → (row deleted), any → Failed → Expiring.
 *   Claimed → Available: a released pool member returned to its pool (templates with recycle off).
 *
 * Failed is final: the owner retries (a new instance) or deletes it, or it expires. A failed instance that
 * came back on its own would surprise its owner, who may have launched another meanwhile, and would pass
 * the quota, which a failed instance does not count against.
 */
export const PHASES = ["Pending", "Provisioning", "Ready", "Available", "Claimed", "Expiring", "Failed"] as const;
export type Phase = (typeof PHASES)[number];

const ALLOWED: Record<Phase, readonly Phase[]> = {
  Pending: ["Provisioning", "Failed", "Expiring"],
  Provisioning: ["Ready", "Available", "Failed", "Expiring"],
  Ready: ["Failed", "Expiring"],
  Available: ["Claimed", "Failed", "Expiring"],
  Claimed: ["Available", "Failed", "Expiring"],
  Failed: ["Expiring"],
  Expiring: [],
};

export class IllegalTransitionError extends Error {
  override name = "IllegalTransitionError";
  constructor(
    readonly from: Phase,
    readonly to: Phase,
  ) {
    super(`illegal instance phase transition ${from} → ${to}`);
  }
}

export function canTransition(from: Phase, to: Phase): boolean {
  return from === to || ALLOWED[from].includes(to);
}

/** Returns `to` when the move from `from` is allowed (staying put always is); throws otherwise. */
export function nextPhase(from: Phase, to: Phase): Phase {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  return to;
}

/** Phases that hold cluster resources a user (or the pool) is counting on. */
export const LIVE_PHASES: readonly Phase[] = ["Pending", "Provisioning", "Ready", "Available", "Claimed", "Failed"];

export function isLive(phase: Phase): boolean {
  return LIVE_PHASES.includes(phase);
}

/**
 * Phases that count against a quota: every live phase but Failed, which gives its owner nothing to use. A
 * failed instance is still returned by a launch of its template (so its owner sees it and can retry), and
 * still holds its objects in the cluster until it is deleted or expires.
 */
export const COUNTED_PHASES: readonly Phase[] = LIVE_PHASES.filter((phase) => phase !== "Failed");

/** Phases in which an environment is up for its owner to use. */
export const RUNNING_PHASES: readonly Phase[] = ["Ready", "Available", "Claimed"];
