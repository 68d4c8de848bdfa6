/**
 * What the pool controller does to a template's warm pool (docs/architecture.md, "Reconcile"), as pure rules,
 * so that the worker (lib/controllers/pools.ts) and the impact preview of a settings change
 * (lib/services/templates/preview-settings-impact.ts) compute it the same way.
 */

/** What decides whether a template keeps a pool at all. */
export interface PoolTemplate {
  enabled: boolean;
  method: "on_demand" | "pool";
  isBase: boolean;
  validationError: string | null;
}

/**
 * Whether the worker keeps warm members for a template: an enabled pool template that is not a base and
 * passed validation. Any other template loses its unclaimed members.
 */
export function keepsPool(template: PoolTemplate): boolean {
  return template.enabled && template.method === "pool" && !template.isBase && !template.validationError;
}

/** Unclaimed members split by readiness: ready ones (Available) can be claimed now, starting ones (Pending, Provisioning) cannot. */
export interface MemberCounts {
  ready: number;
  starting: number;
}

export const NO_MEMBERS: MemberCounts = { ready: 0, starting: 0 };

/** A template's instances as the pool controller counts them (not being torn down). */
export interface PoolCounts {
  /** Every instance of the template, claimed, on-demand and unclaimed alike. */
  total: number;
  /** Pool members nobody has claimed yet, whether ready or still starting (failed ones are replaced, not counted). */
  unclaimed: number;
  /** Of those, the ones ready to claim (Available). */
  unclaimedReady: number;
  /**
   * Of the unclaimed members, those of a version older than the template's latest one. Absent (none) when
   * every member is of the latest version, or when no member of it can be made (a spec that does not render).
   */
  outdated?: MemberCounts;
}

export interface PoolPlan {
  /** Unclaimed members to end, in all: the sum of the two below. */
  remove: number;
  /** Members of the latest version over the size (starting ones go first). */
  removeCurrent: MemberCounts;
  /** Members of older versions replaced by members of the latest one. */
  removeOutdated: MemberCounts;
  /** Members of the latest version to create. */
  create: number;
  /** True when maxSize holds back members the size asks for. */
  capped: boolean;
  /** True when the pass budget held back members due now: the controller runs again soon. */
  more: boolean;
}

/**
 * The controller's plan for one pool: keep `size` unclaimed members of the template's latest version (0 when
 * the template keeps no pool), never more than `maxSize` instances of the template in all (0 = no cap).
 *
 * - An excess of members of the latest version is removed, starting ones first; claimed members are never
 *   touched, so a lower maxSize only stops creation.
 * - Members of an older version roll forward: starting ones are replaced at once (they serve nobody yet);
 *   ready ones are kept while the latest version's ready members do not fill the size, so a roll never
 *   leaves fewer members ready to claim than it found, as long as maxSize leaves room for one more.
 * - When maxSize leaves no room at all and nothing of the latest version is on its way, one ready member of
 *   an older version is ended so that its replacement can start: the only way forward within maxSize, at
 *   the cost of one ready member at a time.
 * - A pass creates at most `budget` members (`more` says the rest follow); ending members costs the cluster
 *   little and is never held back.
 */
export function planPool(desired: { size: number; maxSize: number }, counts: PoolCounts, budget = Number.POSITIVE_INFINITY): PoolPlan {
  const size = Math.max(0, desired.size);
  const outdated = counts.outdated ?? NO_MEMBERS;
  const currentReady = Math.max(0, counts.unclaimedReady - outdated.ready);
  const currentStarting = Math.max(0, counts.unclaimed - counts.unclaimedReady - outdated.starting);

  const excess = Math.max(0, currentReady + currentStarting - size);
  const removeCurrent = { starting: Math.min(currentStarting, excess), ready: Math.max(0, excess - currentStarting) };
  const keptReady = currentReady - removeCurrent.ready;
  const keptStarting = currentStarting - removeCurrent.starting;
  const keepOutdatedReady = Math.min(outdated.ready, Math.max(0, size - keptReady));
  const removeOutdated = { starting: outdated.starting, ready: outdated.ready - keepOutdatedReady };

  const room = (live: number) => (desired.maxSize > 0 ? Math.max(0, desired.maxSize - live) : Number.POSITIVE_INFINITY);
  let live = counts.total - excess - removeOutdated.starting - removeOutdated.ready;
  const missing = Math.max(0, size - keptReady - keptStarting);
  let create = Math.min(missing, room(live));
  const stalled = create === 0 && missing > 0 && desired.maxSize > 0 && live === desired.maxSize && keptStarting === 0;
  if (stalled && removeOutdated.ready < outdated.ready) {
    removeOutdated.ready += 1;
    live -= 1;
    create = Math.min(missing, room(live));
  }
  const capped = create < missing;
  const created = Math.min(create, Math.max(0, budget));
  const remove = removeCurrent.ready + removeCurrent.starting + removeOutdated.ready + removeOutdated.starting;
  return { remove, removeCurrent, removeOutdated, create: created, capped, more: created < create };
}
