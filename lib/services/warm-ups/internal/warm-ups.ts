import "server-only";
import type { z } from "zod";
import { sqlPool } from "@/lib/db/client";
import { listClassMembers } from "@/lib/db/classes";
import { countClassClaims, findWarmUp, readyMembers, recentReadyDurations, timingOfRow, type WarmUpRow } from "@/lib/db/warm-ups";
import { findTaughtClass } from "@/lib/services/classes/internal/scope";
import { loadTemplate, type LoadedTemplate } from "@/lib/db/templates";
import { AppError, isAppError } from "@/lib/domain/errors";
import { fieldErrorsOf } from "@/lib/domain/field-errors";
import type { Identity } from "@/lib/domain/identity";
import { findNul, NUL_MESSAGE } from "@/lib/domain/text";
import { currentOccurrence, formatLocalDate, formatLocalDateTime, leadTimeMs, wallClockAt, warmUpStateOf, type WarmUpState } from "@/lib/domain/warm-ups";
import { USER_VARIABLES, variablesUsed } from "@/lib/templates/render";

/** Input checked by `schema`, or INVALID_INPUT with every problem at its field (a NUL character named first). */
export function parseWarmUpInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const nul = findNul(input);
  if (nul) throw new AppError("INVALID_INPUT", NUL_MESSAGE, { [nul.split(/[.[]/)[0]!]: ["must not contain a NUL character"] });
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AppError("INVALID_INPUT", "Please correct the highlighted fields.", fieldErrorsOf(parsed.error, { unknown: "is not a field of a warm-up", root: "body" }));
  return parsed.data;
}

export const invalid = (field: string, message: string) => new AppError("INVALID_INPUT", message, { [field]: [message] });

/**
 * Why the template cannot be warmed up, in words for the teacher, or null when it can: it must be an enabled,
 * valid pool template that is not a base, and whose composed values use nothing of the user who claims a member
 * (owner, params, claims), since members are made before anyone claims them.
 */
export function poolProblem(template: LoadedTemplate): string | null {
  if (template.isBase) return `"${template.displayName}" is a base template: it is never launched.`;
  if (!template.enabled) return `"${template.displayName}" is disabled: nobody can launch it.`;
  if (template.validationError || template.error) return `"${template.displayName}" fails validation: an admin must fix it first.`;
  if (template.method !== "pool") return `"${template.displayName}" is launched on demand and has no warm pool: an admin can make it a pool template.`;
  for (const layer of template.composed!.valuesTemplates) {
    const used = variablesUsed(layer.source).filter((name) => (USER_VARIABLES as readonly string[]).includes(name));
    if (used.length > 0) return `"${template.displayName}" cannot be warmed up: its values use ${used.join(", ")}, which are only known when a student launches it.`;
  }
  return null;
}

/**
 * The template a caller may warm up, by name: a system template or (for a teacher) one they own; an admin, any.
 * Refused at the `template` field with the reason when it is missing, deleted, someone else's or not poolable.
 */
export async function bookableTemplate(identity: Identity, name: string): Promise<LoadedTemplate> {
  let template: LoadedTemplate;
  try {
    template = await loadTemplate({ name });
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") throw invalid("template", `There is no template named "${name.slice(0, 63)}" (it may have been deleted).`);
    throw error;
  }
  if (template.ownerId && template.ownerId !== identity.userId && !identity.roles.includes("admin")) {
    throw invalid("template", `There is no template named "${name.slice(0, 63)}" (it may have been deleted).`);
  }
  const problem = poolProblem(template);
  if (problem) throw invalid("template", problem);
  return template;
}

/** The roster size: the default number of environments of a booking. */
export async function rosterSize(classId: string, groups: string[]): Promise<number> {
  return (await listClassMembers(classId, groups)).length;
}

/** A warm-up as its teachers read it. Local times are in the zone it was booked in. */
export interface WarmUpView {
  id: string;
  class: { slug: string; title: string };
  template: { name: string; displayName: string };
  size: number;
  startsAt: Date;
  endsAt: Date;
  /** The first occurrence's local wall-clock times in `timeZone` ("2027-01-11T09:00"). */
  localStartsAt: string;
  localEndsAt: string;
  timeZone: string;
  weeklyUntil: string | null;
  /** The occurrence running now or next (null when over or cancelled). */
  next: { startsAt: Date; endsAt: Date } | null;
  createdBy: string | null;
  createdAt: Date;
  cancelledAt: Date | null;
  state: WarmUpState;
  /** How long before a start its pool begins to grow, learned from the pool. */
  leadSeconds: number;
}

/** What every booking of one template shares: the lead time and the members ready now. */
interface PoolSnapshot {
  leadMs: number;
  ready: Date[];
}

/**
 * The views of some bookings, with their live state: the pool's ready members are shared out among the bookings
 * of a template that are due, earliest first, after its base size; what each class claimed in its occurrence is
 * counted from the instances.
 */
export async function toWarmUpViews(rows: WarmUpRow[], now: Date): Promise<WarmUpView[]> {
  const pools = new Map<string, Promise<PoolSnapshot & { base: number }>>();
  const poolOf = (templateId: string) => {
    let pool = pools.get(templateId);
    if (!pool) {
      pool = (async () => {
        const [durations, ready, base] = await Promise.all([
          recentReadyDurations(sqlPool(), templateId),
          readyMembers(templateId),
          sqlPool().query<{ size: number }>("SELECT pool_size AS size FROM templates WHERE id = $1::uuid", [templateId]),
        ]);
        return { leadMs: leadTimeMs(durations), ready, base: base.rows[0]?.size ?? 0 };
      })();
      pools.set(templateId, pool);
    }
    return pool;
  };
  // Ready members already given to an earlier booking of the same template, by template.
  const given = new Map<string, number>();
  const ordered = [...rows].sort((a, b) => (currentOccurrence(timingOfRow(a), now)?.startsAt.getTime() ?? Infinity) - (currentOccurrence(timingOfRow(b), now)?.startsAt.getTime() ?? Infinity));
  const views = new Map<string, WarmUpView>();
  for (const row of ordered) {
    const timing = timingOfRow(row);
    const pool = await poolOf(row.templateId);
    const occ = row.cancelledAt ? null : currentOccurrence(timing, now);
    let ready = 0;
    let readySince: Date | null = null;
    let claimed = 0;
    if (occ && occ.startsAt.getTime() - pool.leadMs <= now.getTime()) {
      const before = pool.base + (given.get(row.templateId) ?? 0);
      ready = Math.max(0, Math.min(row.size, pool.ready.length - before));
      given.set(row.templateId, (given.get(row.templateId) ?? 0) + ready);
      readySince = ready > 0 ? (pool.ready[before + ready - 1] ?? null) : null;
      claimed = await countClassClaims(sqlPool(), row.templateId, row.classId, new Date(occ.startsAt.getTime() - pool.leadMs), occ.endsAt);
    }
    views.set(row.id, {
      id: row.id,
      class: { slug: row.classSlug, title: row.classTitle },
      template: { name: row.templateName, displayName: row.templateDisplayName },
      size: row.size,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      localStartsAt: formatLocalDateTime(wallClockAt(row.startsAt, row.timeZone)),
      localEndsAt: formatLocalDateTime(wallClockAt(row.endsAt, row.timeZone)),
      timeZone: row.timeZone,
      weeklyUntil: row.weeklyUntil ? formatLocalDate(row.weeklyUntil) : null,
      next: occ ? { startsAt: occ.startsAt, endsAt: occ.endsAt } : null,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      cancelledAt: row.cancelledAt,
      state: warmUpStateOf({ size: row.size, timing, cancelledAt: row.cancelledAt }, now, { leadMs: pool.leadMs, ready, readySince, claimed }),
      leadSeconds: Math.round(pool.leadMs / 1000),
    });
  }
  return rows.map((row) => views.get(row.id)!);
}

/** What the audit trail keeps of a booking. */
export function auditedWarmUp(row: { classSlug: string; templateName: string; size: number; startsAt: Date; endsAt: Date; timeZone: string; weeklyUntil: Date | null; cancelledAt?: Date | null }) {
  return {
    class: row.classSlug,
    template: row.templateName,
    size: row.size,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    timeZone: row.timeZone,
    weeklyUntil: row.weeklyUntil ? formatLocalDate(row.weeklyUntil) : null,
    ...(row.cancelledAt ? { cancelledAt: row.cancelledAt.toISOString() } : {}),
  };
}

const noSuchWarmUp = () => new AppError("NOT_FOUND", "No such warm-up.");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A booking of a class the caller teaches (any, for an admin); NOT_FOUND otherwise, so an id tells nothing. */
export async function findScopedWarmUp(identity: Identity, id: unknown): Promise<WarmUpRow> {
  if (typeof id !== "string" || !UUID.test(id)) throw noSuchWarmUp();
  const row = await findWarmUp(id);
  if (!row) throw noSuchWarmUp();
  try {
    await findTaughtClass(identity, row.classSlug);
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") throw noSuchWarmUp();
    throw error;
  }
  return row;
}
