import "server-only";
import { sqlPool } from "./client";

/** Deletes at most `limit` audit entries older than `before`, oldest first; returns how many. */
export async function deleteAuditEventsBefore(before: Date, limit: number): Promise<number> {
  const { rowCount } = await sqlPool().query("DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE at < $1 ORDER BY at LIMIT $2)", [before, limit]);
  return rowCount ?? 0;
}
