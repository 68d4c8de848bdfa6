import "server-only";
import type { InstanceRecord } from "@/lib/db/instances";
import type { Identity } from "@/lib/domain/identity";
import { toOwnerKey } from "@/lib/domain/owner-key";
import type { Phase } from "@/lib/domain/phase";
import { describeProblem, type Problem } from "@/lib/domain/problems";
import { extensionsLeft } from "@/lib/domain/ttl";

/** What users and API clients see of an instance: an "environment". Rendered values stay server-side. */
export interface EnvironmentView {
  uuid: string;
  name: string;
  displayName: string;
  icon: string;
  version: number;
  owner: string | null;
  /** True when the owner key is not the caller's username (a group-owned instance). */
  shared: boolean;
  phase: Phase;
  /** Dploy-compatible one-word status: pending, Progressing, Healthy, Degraded or Deleting. */
  status: (typeof STATUS)[Phase];
  /** The provisioning step Flux last reported: applying, fetching, installing or ready; null before the first. */
  step: string | null;
  health: string | null;
  /** What the engine or Flux last reported, as they wrote it: for staff, and behind "Technical details". */
  message: string | null;
  /** What is wrong, in plain words for the owner (with a fix for staff); null while nothing is. */
  problem: Problem | null;
  url: string | null;
  /**
   * How to reach it: `web` opens `url`; `instructions` follows `connectionMessage`, plain text rendered at
   * launch (the template's type at that moment decides, so a later change never alters a running one).
   */
  connectionType: "web" | "instructions";
  connectionMessage: string | null;
  namespace: string | null;
  engine: string;
  engineRef: string | null;
  pooled: boolean;
  params: Record<string, unknown>;
  createdAt: string;
  claimedAt: string | null;
  readyAt: string | null;
  expiresAt: string | null;
  isUnlimited: boolean;
  extendCount: number;
  maxExtends: number;
  extendSeconds: number;
  /** Extensions still possible; null when the TTL is unlimited. */
  extensionsLeft: number | null;
}

const STATUS = {
  Pending: "pending",
  Provisioning: "Progressing",
  Ready: "Healthy",
  Available: "Healthy",
  Claimed: "Healthy",
  Failed: "Degraded",
  Expiring: "Deleting",
} as const satisfies Record<Phase, string>;

/** What a view is made of: an instance with its template's display and TTL fields and its version number. */
export type ViewSource = InstanceRecord & {
  template: { name: string; displayName: string; icon: string; ttlSeconds: number; ttlExtendSeconds: number; ttlMaxExtends: number };
  templateVersion: { version: number };
};

export function toEnvironmentView(row: ViewSource, identity: Identity | null): EnvironmentView {
  const policy = { ttlSeconds: row.template.ttlSeconds, extendSeconds: row.template.ttlExtendSeconds, maxExtends: row.template.ttlMaxExtends };
  const phase = row.deletedAt ? "Expiring" : row.phase;
  return {
    uuid: row.uuid,
    name: row.template.name,
    displayName: row.template.displayName,
    icon: row.template.icon,
    version: row.templateVersion.version,
    owner: row.ownerKey,
    shared: row.ownerKey !== null && identity !== null && row.ownerKey !== toOwnerKey(identity.username),
    phase,
    status: STATUS[phase],
    step: row.step,
    health: row.health,
    message: row.deletedAt ? "Deleted" : row.message,
    problem: describeProblem({ phase, step: row.step, health: row.health, message: row.message }),
    url: row.url,
    connectionType: row.connectionMessage === null ? "web" : "instructions",
    connectionMessage: row.connectionMessage,
    namespace: row.namespace,
    engine: row.engine,
    engineRef: row.engineRef,
    pooled: row.pooled,
    params: (row.params ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
    claimedAt: row.claimedAt?.toISOString() ?? null,
    readyAt: row.readyAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    isUnlimited: row.expiresAt === null,
    extendCount: row.extendCount,
    maxExtends: policy.maxExtends,
    extendSeconds: policy.extendSeconds,
    extensionsLeft: extensionsLeft(policy, row),
  };
}
