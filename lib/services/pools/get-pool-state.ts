import "server-only";
import { sqlPool } from "@/lib/db/client";
import { countTemplateInstances } from "@/lib/db/instances";
import { listPoolMembers, readPoolHistory, type EndedMember } from "@/lib/db/pools";
import type { LoadedTemplate } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { keepsPool } from "@/lib/domain/pool-plan";
import { describePoolSummary, summarizePool, type PoolSummary } from "@/lib/domain/pool-state";
import { getLaunchAvailability } from "@/lib/services/instances/internal/launch-availability";
import { loadPoolTemplate } from "./internal/pool-template";

/** An ended member as the API sends it. */
export type EndedMemberView = Omit<EndedMember, "at"> & { at: string };

/** A warm pool as an admin follows it: `GET /api/v1/templates/{name}/pool` and the "Pool" section of the template's page. */
export interface PoolState extends PoolSummary {
  name: string;
  currentVersion: number;
  /** The pool's size setting. */
  size: number;
  /** The unclaimed members the worker keeps now: the size, or 0 when the template keeps no pool. */
  desired: number;
  /** The most instances of the template in all (0 = no limit). */
  maxSize: number;
  /** Instances counted against maxSize: claimed, on-demand and unclaimed ones not being torn down. */
  liveInstances: number;
  /** Why the worker does not keep this pool filled right now, for staff; null when it does. */
  paused: string | null;
  lastFailure: EndedMemberView | null;
  /** The unclaimed members ended last, newest first, with why. */
  recent: EndedMemberView[];
  /** The state in one sentence, for a live region. */
  sentence: string;
  observedAt: string;
}

function pausedReason(template: LoadedTemplate, noCluster: string | null): string | null {
  if (noCluster) return `The worker changes no member while there is no cluster: ${noCluster}`;
  if (!template.enabled) return "Launching is disabled: the worker keeps no warm members and ends the unclaimed ones.";
  if (template.validationError) return `The template is invalid, so the worker keeps no warm members: ${template.validationError}`;
  if (template.error) return `The worker creates no member until the spec is fixed: ${template.error.message}`;
  return null;
}

const view = (member: EndedMember): EndedMemberView => ({ ...member, at: member.at.toISOString() });

/**
 * A pool template's warm pool now: its members counted by state and by version (the latest version marked
 * current, older ones being replaced), what a recycle by hand would end, the last failure and the members
 * ended last. Admins only; a template that is not a pool is NOT_FOUND. Reads only.
 */
export async function getPoolState(identity: Identity | null, input: { name: string }): Promise<PoolState> {
  assertCan(identity, "template:edit");
  const template = await loadPoolTemplate(input?.name);
  const [members, history, counts] = await Promise.all([listPoolMembers(template.id), readPoolHistory(template.id), countTemplateInstances(sqlPool(), template.id)]);
  const availability = getLaunchAvailability(identity);
  const paused = pausedReason(template, availability.reason);
  const keeps = keepsPool(template);
  const now = new Date();
  const summary = summarizePool(members, { latestVersion: template.latest.version, limits: template.settings.launch, now }, { keeps: keeps && paused === null });
  const desired = keeps ? template.poolSize : 0;
  return {
    name: template.name,
    currentVersion: template.latest.version,
    size: template.poolSize,
    desired,
    maxSize: template.poolMaxSize,
    liveInstances: counts.total,
    paused,
    ...summary,
    lastFailure: history.lastFailure && view(history.lastFailure),
    recent: history.recent.map(view),
    sentence: describePoolSummary(summary, desired),
    observedAt: now.toISOString(),
  };
}
