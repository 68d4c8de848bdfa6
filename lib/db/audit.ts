import "server-only";
import type { Identity } from "@/lib/domain/identity";
import type { PoolClient } from "pg";
import { NO_ORIGIN, type RequestOrigin } from "@/lib/domain/request-origin";
import { withoutNul } from "@/lib/domain/text";
import type { Prisma } from "./client";

/** Someone not proven to be a user: a sign-in attempt, named by the username it tried. */
export interface UnverifiedActor {
  claimedUsername: string;
  origin?: RequestOrigin;
}

/** One entry of the audit trail: who did what to which object, with the object before and after. */
export interface AuditEntry {
  actor: Identity | UnverifiedActor;
  action: string;
  objectType: string;
  objectId: string | null;
  before?: unknown;
  after?: unknown;
}

/** The actor columns of an identity: the system, and anyone not signed in, act without a user row. */
export function actorColumns(actor: Identity | UnverifiedActor): { actorId: string | null; actorName: string } {
  if ("claimedUsername" in actor) return { actorId: null, actorName: withoutNul(actor.claimedUsername).slice(0, 63) };
  return { actorId: actor.source === "system" ? null : actor.userId, actorName: actor.username.slice(0, 63) };
}

/** Where the actor's request came from (the identity carries it from the web edge); nothing for the worker. */
function originColumns(actor: Identity | UnverifiedActor): { sourceAddress: string | null; userAgent: string | null } {
  const origin = actor.origin ?? NO_ORIGIN;
  return { sourceAddress: origin.address, userAgent: origin.userAgent && withoutNul(origin.userAgent) };
}

/** An entry as column values. Text that PostgreSQL cannot store (NUL) is replaced, never refused: the trail must be written. */
export function auditColumns(entry: AuditEntry) {
  return {
    ...actorColumns(entry.actor),
    ...originColumns(entry.actor),
    action: entry.action,
    objectType: entry.objectType,
    objectId: entry.objectId,
    before: (entry.before === undefined || entry.before === null ? undefined : withoutNul(entry.before)) as Prisma.InputJsonValue | undefined,
    after: (entry.after === undefined || entry.after === null ? undefined : withoutNul(entry.after)) as Prisma.InputJsonValue | undefined,
  };
}

/** Writes an entry in the caller's transaction, so the trail and the change commit together. */
export async function recordAudit(tx: Pick<Prisma.TransactionClient, "auditEvent">, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({ data: auditColumns(entry) });
}

/** Writes an entry with plain SQL, in the caller's node-postgres transaction (the launch path). */
export async function recordAuditSql(sql: Pick<PoolClient, "query">, entry: AuditEntry): Promise<void> {
  const row = auditColumns(entry);
  await sql.query(
    "INSERT INTO audit_events (actor_id, actor_name, action, object_type, object_id, before, after, source_address, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    [
      row.actorId,
      row.actorName,
      row.action,
      row.objectType,
      row.objectId,
      row.before === undefined ? null : JSON.stringify(row.before),
      row.after === undefined ? null : JSON.stringify(row.after),
      row.sourceAddress,
      row.userAgent,
    ],
  );
}
