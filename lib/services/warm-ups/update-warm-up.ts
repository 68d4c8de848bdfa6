import "server-only";
import { recordAuditSql } from "@/lib/db/audit";
import { withSqlTransaction } from "@/lib/db/client";
import { findWarmUp, timingOfRow, wakePool } from "@/lib/db/warm-ups";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { currentOccurrence, formatLocalDate, formatLocalDateTime, lastEndOf, timingOf, wallClockAt, warmUpChangeSchema } from "@/lib/domain/warm-ups";
import { auditedWarmUp, bookableTemplate, findScopedWarmUp, parseWarmUpInput, toWarmUpViews, type WarmUpView } from "./internal/warm-ups";
import { assertRoom } from "./internal/save";

/**
 * Changes a booking's size or times (fields left out keep their value; times are checked as a whole, as a new
 * booking's are). A booking that is over or cancelled cannot change, nor one whose occurrence is running: the
 * class is on. A weekly booking whose first class has passed keeps its times; its size and last date change. Checked against maxSize again, audited, and the pool controller woken at commit.
 */
export async function updateWarmUp(identity: Identity | null, input: { id: unknown; change: unknown }, now = new Date()): Promise<WarmUpView> {
  assertCan(identity, "class:manage");
  const row = await findScopedWarmUp(identity, input.id);
  const change = parseWarmUpInput(warmUpChangeSchema, input.change);
  if (row.cancelledAt) throw new AppError("CONFLICT", "This warm-up was cancelled: book a new one.");
  const occurrence = currentOccurrence(timingOfRow(row), now);
  if (!occurrence) throw new AppError("CONFLICT", "This warm-up is over: book a new one.");
  if (occurrence.startsAt.getTime() <= now.getTime()) throw new AppError("CONFLICT", "This warm-up is running now: change it after the class, or cancel it.");
  const zone = change.timeZone ?? row.timeZone;
  const merged = {
    startsAt: change.startsAt ?? formatLocalDateTime(wallClockAt(row.startsAt, zone)),
    endsAt: change.endsAt ?? formatLocalDateTime(wallClockAt(row.endsAt, zone)),
    timeZone: zone,
    weeklyUntil: change.weeklyUntil === undefined ? (row.weeklyUntil ? formatLocalDate(row.weeklyUntil) : null) : change.weeklyUntil,
  };
  // A weekly warm-up whose first class has passed keeps its times (its first start is in the past, and the
  // weeks behind it happened as booked); its size and last date can still change.
  const begun = row.startsAt.getTime() <= now.getTime();
  if (begun) {
    const asBooked = { startsAt: formatLocalDateTime(wallClockAt(row.startsAt, row.timeZone)), endsAt: formatLocalDateTime(wallClockAt(row.endsAt, row.timeZone)) };
    if (merged.startsAt !== asBooked.startsAt || merged.endsAt !== asBooked.endsAt || merged.timeZone !== row.timeZone) {
      const why = "This weekly warm-up has begun, so its times stay as booked: cancel it and book a new one to change them.";
      throw new AppError("INVALID_INPUT", why, { ...(change.startsAt !== undefined || change.timeZone !== undefined ? { startsAt: [why] } : {}), ...(change.endsAt !== undefined ? { endsAt: [why] } : {}) });
    }
  }
  // Times are checked as they were when booked for a series that has begun; its last class must still be ahead.
  const when = timingOf(merged, begun ? new Date(row.startsAt.getTime() - 1) : now);
  if ("fields" in when) throw new AppError("INVALID_INPUT", "Please correct the highlighted fields.", when.fields);
  if (lastEndOf(when.timing).getTime() <= now.getTime()) {
    throw new AppError("INVALID_INPUT", "Please correct the highlighted fields.", { weeklyUntil: ["That last date has passed: choose a later one, or cancel the warm-up."] });
  }
  const size = change.size ?? row.size;
  const template = await bookableTemplate(identity, row.templateName);
  await withSqlTransaction(async (sql) => {
    await assertRoom(sql, template, { timing: when.timing, size }, now, row.id);
    const { rowCount } = await sql.query(
      `UPDATE warm_ups SET size = $2, starts_at = $3, ends_at = $4, time_zone = $5, weekly_until = $6::date, last_ends_at = $7, updated_at = now()
       WHERE id = $1::uuid AND cancelled_at IS NULL`,
      [row.id, size, when.timing.startsAt, when.timing.endsAt, when.timing.timeZone, merged.weeklyUntil, lastEndOf(when.timing)],
    );
    if (rowCount !== 1) throw new AppError("CONFLICT", "This warm-up was cancelled meanwhile.");
    await recordAuditSql(sql, {
      actor: identity,
      action: "warm-up.update",
      objectType: "warm-up",
      objectId: row.id,
      before: auditedWarmUp(row),
      after: auditedWarmUp({ ...row, size, ...when.timing }),
    });
    await wakePool(sql, row.templateId);
  });
  return (await toWarmUpViews([(await findWarmUp(row.id))!], now))[0]!;
}
