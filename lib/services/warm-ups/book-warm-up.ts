import "server-only";
import { recordAuditSql } from "@/lib/db/audit";
import { sqlPool, withSqlTransaction } from "@/lib/db/client";
import { findWarmUp, wakePool } from "@/lib/db/warm-ups";
import { lastEndOf, timingOf, warmUpInputSchema } from "@/lib/domain/warm-ups";
import type { Identity } from "@/lib/domain/identity";
import { AppError } from "@/lib/domain/errors";
import { assertCan } from "@/lib/domain/permissions";
import { findTaughtClass } from "@/lib/services/classes/internal/scope";
import { auditedWarmUp, bookableTemplate, invalid, parseWarmUpInput, rosterSize, toWarmUpViews, type WarmUpView } from "./internal/warm-ups";
import { assertRoom } from "./internal/save";

/**
 * Books a warm-up for a class the caller teaches: N warm environments of a pool template from a start to an end
 * time entered in the caller's zone, once or weekly. N defaults to the roster size. Refused at its field when
 * the template cannot be warmed up, the times make no sense or lie in the past, or the template's maxSize has no
 * room left next to its base pool and other warm-ups. Wakes the pool controller at commit.
 */
export async function bookWarmUp(identity: Identity | null, input: { slug: unknown; booking: unknown }, now = new Date()): Promise<WarmUpView> {
  assertCan(identity, "class:manage");
  const scoped = await findTaughtClass(identity, input.slug);
  if (scoped.archivedAt) throw new AppError("CONFLICT", "This class is archived: bring it back before booking a warm-up.");
  const booking = parseWarmUpInput(warmUpInputSchema, input.booking);
  const when = timingOf(booking, now);
  if ("fields" in when) throw new AppError("INVALID_INPUT", "Please correct the highlighted fields.", when.fields);
  const template = await bookableTemplate(identity, booking.template);
  let size = booking.size;
  if (size === undefined) {
    const { rows } = await sqlPool().query<{ groups: string[] }>("SELECT groups FROM classes WHERE id = $1::uuid", [scoped.id]);
    size = await rosterSize(scoped.id, rows[0]?.groups ?? []);
    if (size < 1) throw invalid("size", "The class has nobody on its roster yet: enter a number of environments.");
    size = Math.min(size, 1000);
  }
  const timing = when.timing;
  const id = await withSqlTransaction(async (sql) => {
    await assertRoom(sql, template, { timing, size }, now);
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO warm_ups (class_id, template_id, size, starts_at, ends_at, time_zone, weekly_until, last_ends_at, created_by_id)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::date, $8, $9::uuid) RETURNING id::text`,
      [scoped.id, template.id, size, timing.startsAt, timing.endsAt, timing.timeZone, booking.weeklyUntil ?? null, lastEndOf(timing), identity.source === "system" ? null : identity.userId],
    );
    const created = rows[0]!.id;
    await recordAuditSql(sql, {
      actor: identity,
      action: "warm-up.book",
      objectType: "warm-up",
      objectId: created,
      after: auditedWarmUp({ classSlug: scoped.slug, templateName: template.name, size, ...timing }),
    });
    await wakePool(sql, template.id);
    return created;
  });
  return (await toWarmUpViews([(await findWarmUp(id))!], now))[0]!;
}
