import { decideLaunchDeadline } from "./launch-deadline";
import type { Phase } from "./phase";
import type { LaunchSettings } from "./settings";

/**
 * A warm pool as an admin sees it (the "Pool" section of a template's page, `GET /api/v1/templates/{name}/pool`):
 * its members counted by state and by version, what a recycle by hand would end, and the words the worker
 * leaves on the members it ends. Pure: the members come from the database (lib/db/pools.ts).
 */

/** Why an unclaimed member was ended, as written on it (and kept once it is torn down). */
export const MEMBER_ENDED = {
  /** Followed by the report it failed with. */
  failed: "Replaced after failing to start: ",
  replaced: (version: number) => `Replaced by a member of version ${version}`,
  smaller: "Removed: the pool was made smaller",
  noPool: "Removed: the template no longer keeps a pool",
  recycled: (username: string, scope: RecycleScope) => `Recycled by ${username} (${RECYCLE_SCOPE_WORDS[scope]})`,
} as const;

/** Which unclaimed members a recycle by hand ends. */
export const RECYCLE_SCOPES = ["all", "failed", "outdated"] as const;
export type RecycleScope = (typeof RECYCLE_SCOPES)[number];

export const RECYCLE_SCOPE_WORDS: Record<RecycleScope, string> = {
  all: "every unclaimed member",
  failed: "failed and stuck members",
  outdated: "members of older versions",
};

export function isRecycleScope(value: unknown): value is RecycleScope {
  return typeof value === "string" && (RECYCLE_SCOPES as readonly string[]).includes(value);
}

/** A pool member (claimed or not) that is not torn down yet. */
export interface PoolMember {
  uuid: string;
  version: number;
  phase: Phase;
  /** True once someone claimed it: nothing a pool does touches it then. */
  claimed: boolean;
  step: string | null;
  stepStartedAt: Date | null;
  createdAt: Date;
  message: string | null;
}

/** What decides which members count as stuck and which as outdated. */
export interface PoolClock {
  latestVersion: number;
  limits: LaunchSettings;
  now: Date;
}

/**
 * True for a member still starting past the limit of its step: the worker fails it as soon as it looks at it
 * again (lib/domain/launch-deadline.ts), and an admin may recycle it before that.
 */
export function isStuck(member: PoolMember, clock: PoolClock): boolean {
  return decideLaunchDeadline(member, clock.limits, clock.now).state === "overdue";
}

/** The unclaimed members a recycle of `scope` ends: never a claimed one, never one already ending. */
export function membersToRecycle<M extends PoolMember>(members: M[], scope: RecycleScope, clock: PoolClock): M[] {
  return members.filter((member) => {
    if (member.claimed || member.phase === "Expiring") return false;
    if (scope === "failed") return member.phase === "Failed" || isStuck(member, clock);
    if (scope === "outdated") return member.version < clock.latestVersion;
    return true;
  });
}

/** Members counted by what they are doing. */
export interface MemberTally {
  /** Unclaimed and ready to claim. */
  available: number;
  /** Unclaimed and starting (Pending, Provisioning). */
  starting: number;
  /** Of the starting ones, those past their launch limit. */
  stuck: number;
  /** Unclaimed members that failed to start (the worker replaces them). */
  failed: number;
  /** Claimed by someone (any phase but ending): kept whatever the pool does. */
  claimed: number;
  /** Unclaimed members being torn down. */
  ending: number;
}

export interface VersionTally extends MemberTally {
  version: number;
  current: boolean;
  /** True while the worker replaces its unclaimed members with members of the current version. */
  beingReplaced: boolean;
}

export interface PoolSummary {
  totals: MemberTally;
  /** Versions with members, newest first. */
  versions: VersionTally[];
  /** How many members each recycle scope would end now. */
  recyclable: Record<RecycleScope, number>;
  /** True while unclaimed members of an older version wait to be replaced. */
  rolling: boolean;
}

const EMPTY: MemberTally = { available: 0, starting: 0, stuck: 0, failed: 0, claimed: 0, ending: 0 };

function tally(target: MemberTally, member: PoolMember, clock: PoolClock): void {
  if (member.claimed) {
    if (member.phase !== "Expiring") target.claimed++;
    return;
  }
  if (member.phase === "Available") target.available++;
  else if (member.phase === "Failed") target.failed++;
  else if (member.phase === "Expiring") target.ending++;
  else {
    target.starting++;
    if (isStuck(member, clock)) target.stuck++;
  }
}

/** The pool's members counted in all and by version, with what each recycle scope would end. */
export function summarizePool(members: PoolMember[], clock: PoolClock, options: { keeps: boolean }): PoolSummary {
  const totals = { ...EMPTY };
  const byVersion = new Map<number, VersionTally>();
  for (const member of members) {
    tally(totals, member, clock);
    let row = byVersion.get(member.version);
    if (!row) byVersion.set(member.version, (row = { version: member.version, current: member.version === clock.latestVersion, beingReplaced: false, ...EMPTY }));
    tally(row, member, clock);
  }
  const waiting = (row: VersionTally) => row.available + row.starting + row.failed > 0;
  for (const row of byVersion.values()) row.beingReplaced = options.keeps && !row.current && row.version < clock.latestVersion && waiting(row);
  const versions = [...byVersion.values()].sort((a, b) => b.version - a.version);
  const recyclable = Object.fromEntries(RECYCLE_SCOPES.map((scope) => [scope, membersToRecycle(members, scope, clock).length])) as Record<RecycleScope, number>;
  return { totals, versions, recyclable, rolling: versions.some((row) => row.beingReplaced) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * One sentence for a live region: only what an admin follows (ready against the size, the roll, failures),
 * so that it changes, and is read out, only when one of those does.
 */
export function describePoolSummary(summary: PoolSummary, size: number): string {
  const { totals } = summary;
  const parts = [`${totals.available} of ${size} warm ${size === 1 ? "member" : "members"} ready`];
  if (totals.starting > 0) parts.push(`${totals.starting} starting`);
  if (totals.failed + totals.stuck > 0) parts.push(`${plural(totals.failed + totals.stuck, "member")} failed or stuck`);
  const replacing = summary.versions.filter((row) => row.beingReplaced);
  if (replacing.length > 0) parts.push(`replacing members of version ${replacing.map((row) => row.version).join(", ")}`);
  return `Pool: ${parts.join("; ")}.`;
}
