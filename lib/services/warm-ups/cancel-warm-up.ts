import "server-only";
import { recordAuditSql } from "@/lib/db/audit";
import { withSqlTransaction } from "@/lib/db/client";
import { findWarmUp, wakePool } from "@/lib/db/warm-ups";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { auditedWarmUp, findScopedWarmUp, toWarmUpViews, type WarmUpView } from "./internal/warm-ups";

/**
 * Cancels a booking: its pool shrinks back at once (unclaimed members only; what students claimed stays theirs).
 * Cancelling twice changes nothing the second time and writes no second audit entry.
 */
export async function cancelWarmUp(identity: Identity | null, input: { id: unknown }, now = new Date()): Promise<WarmUpView> {
  assertCan(identity, "class:manage");
  const row = await findScopedWarmUp(identity, input.id);
  await withSqlTransaction(async (sql) => {
    const { rows } = await sql.query<{ cancelledAt: Date }>(
      `UPDATE warm_ups SET cancelled_at = $2, updated_at = now() WHERE id = $1::uuid AND cancelled_at IS NULL RETURNING cancelled_at AS "cancelledAt"`,
      [row.id, now],
    );
    if (!rows[0]) return;
    await recordAuditSql(sql, { actor: identity, action: "warm-up.cancel", objectType: "warm-up", objectId: row.id, before: auditedWarmUp(row), after: auditedWarmUp({ ...row, cancelledAt: rows[0].cancelledAt }) });
    await wakePool(sql, row.templateId);
  });
  return (await toWarmUpViews([(await findWarmUp(row.id))!], now))[0]!;
}
