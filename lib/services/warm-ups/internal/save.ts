import "server-only";
import type { PoolClient } from "pg";
import { LOCKS } from "@/lib/db/coordination";
import { listLiveWarmUps, timingOfRow } from "@/lib/db/warm-ups";
import type { LoadedTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import { capacityProblem, formatLocalDateTime, wallClockAt, type WarmUpTiming } from "@/lib/domain/warm-ups";

/**
 * Checks a booking against the template's maxSize, holding the template's booking lock so that two bookings
 * made at once cannot both take the last room. `exceptId` leaves out the booking being changed.
 */
export async function assertRoom(sql: Pick<PoolClient, "query">, template: LoadedTemplate, booking: { timing: WarmUpTiming; size: number }, now: Date, exceptId?: string): Promise<void> {
  await sql.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [LOCKS.warmUpBooking, template.id]);
  const others = (await listLiveWarmUps(sql, template.id, now)).filter((row) => row.id !== exceptId).map((row) => ({ timing: timingOfRow(row), size: row.size }));
  const problem = capacityProblem(booking, others, { size: template.poolSize, maxSize: template.poolMaxSize });
  if (!problem) return;
  const when = formatLocalDateTime(wallClockAt(problem.at, booking.timing.timeZone)).replace("T", " ");
  const message =
    problem.free === 0
      ? `No room left at ${when}: "${template.displayName}" allows ${template.poolMaxSize} environments at once, and its base pool and other warm-ups take them all.`
      : `Only ${problem.free} environment${problem.free === 1 ? "" : "s"} can be booked at ${when}: "${template.displayName}" allows ${template.poolMaxSize} at once, next to its base pool and other warm-ups.`;
  throw new AppError("CONFLICT", message, { size: [message] });
}
