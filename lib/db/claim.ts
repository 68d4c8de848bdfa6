import "server-only";
import type { PoolClient } from "pg";
import { auditColumns } from "./audit";
import { LOCKS, POOL_WAKE_PREFIX, WAKE_CHANNEL } from "./coordination";
import { recordFromJson, type InstanceRecord } from "./instances";
import type { Identity } from "@/lib/domain/identity";
import { COUNTED_PHASES, LIVE_PHASES, nextPhase } from "@/lib/domain/phase";

/**
 * The claim: the hot path of every launch, in one round trip. `envdeck_launch_state` (PL/pgSQL, migration
 * `20261125000000_launch_failure`) takes the owner's advisory lock, counts the owner's instances that count
 * against the quota (a failed one does not), finds the owner's live instance of the template (a failed one
 * too, after any other), and for a pool template (when the owner has none and is under
 * quota) claims one Available member with `FOR UPDATE SKIP LOCKED`, stamps the owner, starts the TTL and
 * wakes the worker. Different owners only meet on the pool rows they claim, where SKIP LOCKED hands each a
 * different member without waiting. The same statement writes the audit entry of a claim or of a launch
 * that returns the existing instance.
 */

type Sql = Pick<PoolClient, "query">;

export interface OwnerState {
  /** Instances of the owner key that count against the quota, across templates. */
  live: number;
  /** The owner's live instance of this template, if any. */
  existing: string | null;
  /** The pool member just claimed for the owner, if the template is a pool and one was free. */
  claimed: InstanceRecord | null;
}

/** A 32-bit advisory lock key for an owner key (FNV-1a): computed here so the lock rides along with the call. */
export function ownerLockKey(ownerKey: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(ownerKey, "utf8")) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash | 0;
}

/**
 * Reads the owner's state and claims a pool member when one is due. `sql` is the pool (autocommit: the lock
 * ends with the statement) or a launch's transaction (the lock lasts until its commit).
 */
export async function claimForOwner(
  sql: Sql,
  input: {
    template: { id: string; name: string; method: "on_demand" | "pool" };
    ownerKey: string;
    /** The quota that applies; 0 = no limit. */
    limit: number;
    expiresAt: Date | null;
    /** The owner launching: a claimed member is stamped as theirs. */
    identity: Identity;
    /** Who the audit entry names, when someone else launches for the owner (an admin's retry); the owner otherwise. */
    actor?: Identity;
    now: Date;
  },
): Promise<OwnerState> {
  const { template, identity } = input;
  const actor = auditColumns({ actor: input.actor ?? identity, action: "instance.launch", objectType: "instance", objectId: null });
  const { rows } = await sql.query<{ state: { live: number; existing: string | null; claimed: Record<string, unknown> | null } }>({
    // Named: each connection parses and plans it once (docs/architecture.md, "Data access").
    name: "envdeck-claim",
    text: `WITH launch AS (SELECT envdeck_launch_state($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) AS state),
     audit AS (
       INSERT INTO audit_events (actor_id, actor_name, action, object_type, object_id, after, source_address, user_agent)
       SELECT $15::uuid, $16, 'instance.launch', 'instance', coalesce(state->'claimed'->>'uuid', state->>'existing'),
              jsonb_build_object('template', $17::text, 'owner', $2::text,
                                 'outcome', CASE WHEN state->>'existing' IS NOT NULL THEN 'existing' ELSE 'claimed' END),
              $18, $19
       FROM launch WHERE state->>'existing' IS NOT NULL OR jsonb_typeof(state->'claimed') = 'object'
     )
     SELECT state FROM launch`,
    values: [
      template.id,
      input.ownerKey,
      LOCKS.owner,
      ownerLockKey(input.ownerKey),
      // What counts against the quota, and what "return the existing instance" looks for.
      COUNTED_PHASES,
      LIVE_PHASES,
      template.method === "pool",
      input.limit,
      nextPhase("Available", "Claimed"),
      input.now,
      input.expiresAt,
      identity.source === "system" ? null : identity.userId,
      WAKE_CHANNEL,
      POOL_WAKE_PREFIX + template.id,
      actor.actorId,
      actor.actorName,
      template.name,
      actor.sourceAddress,
      actor.userAgent,
    ],
  });
  const state = rows[0]!.state;
  return { live: state.live, existing: state.existing, claimed: state.claimed ? recordFromJson(state.claimed) : null };
}
