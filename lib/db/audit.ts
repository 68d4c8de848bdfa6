import "server-only";
import type { Identity } from "@/lib/domain/identity";
import type { PoolClient } from "pg";
import { withoutNul } from "@/lib/domain/text";
import type { Prisma } from "./client";

/** One entry of the audit trail: who did what to which object, with the object before and after. */
export interface AuditEntry {
  actor: Identity;
  action: string;
  objectType: string;
  objectId: string | null;
  before?: unknown;
  after?: unknown;
}

/** The actor columns of an identity: the system acts without a user row. */
export function actorColumns(actor: Identity): { actorId: string | null; actorName: string } {
  return { actorId: actor.source === "system" ? null : actor.userId, actorName: actor.username.slice(0, 63) };
}

/** An entry as column values. Text that PostgreSQL cannot store (NUL) is replaced, never refused: the trail must be written. */
export function auditColumns(entry: AuditEntry) {
  return {
    ...actorColumns(entry.actor),
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
    "INSERT INTO audit_events (actor_id, actor_name, action, object_type, object_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    [row.actorId, row.actorName, row.action, row.objectType, row.objectId, row.before === undefined ? null : JSON.stringify(row.before), row.after === undefined ? null : JSON.stringify(row.after)],
  );
}
