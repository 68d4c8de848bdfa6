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

/** A template's instances as the pool controller counts them (not being torn down). */
export interface PoolCounts {
  /** Every instance of the template, claimed, on-demand and unclaimed alike. */
  total: number;
  /** Pool members nobody has claimed yet, whether ready or still starting (failed ones are replaced, not counted). */
  unclaimed: number;
}

export interface PoolPlan {
  /** Unclaimed members to tear down (not-ready ones first). */
  remove: number;
  /** Members to create, before the per-pass budget. */
  create: number;
  /** True when maxSize holds back members the size asks for. */
  capped: boolean;
}

/**
 * The controller's plan for one pool: keep `size` unclaimed members (0 when the template keeps no pool),
 * never more than `maxSize` instances of the template in all (0 = no cap). An excess of unclaimed members
 * is removed; claimed members are never touched, so a lower maxSize only stops creation.
 */
export function planPool(desired: { size: number; maxSize: number }, counts: PoolCounts): PoolPlan {
  if (counts.unclaimed > desired.size) return { remove: counts.unclaimed - desired.size, create: 0, capped: false };
  const missing = desired.size - counts.unclaimed;
  const room = desired.maxSize > 0 ? Math.max(0, desired.maxSize - counts.total) : Number.POSITIVE_INFINITY;
  const create = Math.min(missing, room);
  return { remove: 0, create, capped: create < missing };
}
