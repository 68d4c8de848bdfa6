import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { countMatchingInstances, readBulkRows, type BulkRow } from "@/lib/db/instances";
import type { Prisma } from "@/lib/db/client";
import { countOutcomes, decideBulkItem, MAX_BULK, parseBulkRequest, tooManyMessage, type BulkAction, type BulkCounts, type BulkDecision, type BulkOutcome, type BulkRequest } from "@/lib/domain/bulk-action";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import type { Phase } from "@/lib/domain/phase";
import { endInstance } from "./end-instance";

/** What the preview and the bulk action itself share: reading the request, the rows it selects, and one decision per environment. */

/** One environment of a bulk action, and what became (or would become) of it. */
export interface BulkItem {
  uuid: string;
  /** Null when there is no such environment. */
  template: string | null;
  owner: string | null;
  /** Its phase before the action. */
  phase: Phase | null;
  outcome: BulkOutcome;
  /** Why, when it was not ended or extended. */
  reason: string | null;
}

export interface BulkResult {
  action: BulkAction;
  /** How many environments the action was asked to act on. */
  count: number;
  counts: BulkCounts;
  /** The outcome in one sentence. */
  summary: string;
  items: BulkItem[];
}

export const INVALID_BULK_MESSAGE = "This bulk action is not valid: nothing was changed.";

export function readBulkRequest(input: unknown): BulkRequest {
  const parsed = parseBulkRequest(input);
  if (!parsed.ok) throw new AppError("INVALID_INPUT", INVALID_BULK_MESSAGE, parsed.errors);
  return parsed.value;
}

export interface PlannedItem {
  uuid: string;
  row: BulkRow | null;
  decision: BulkDecision;
}

/**
 * Reads the rows the request selects (locked, inside a transaction, with `lock`) and decides for each. A filter
 * that matches more than a bulk action takes is refused with its count; picked uuids that match nothing are
 * reported as not found, in the order they were picked.
 */
export async function planBulk(tx: Pick<Prisma.TransactionClient, "$queryRawUnsafe">, request: BulkRequest, options: { now: Date; lock: boolean }): Promise<PlannedItem[]> {
  const rows = await readBulkRows(tx, request.selection, { now: options.now, limit: MAX_BULK + 1, lock: options.lock });
  if ("filter" in request.selection) {
    if (rows.length > MAX_BULK) {
      const message = tooManyMessage(await countMatchingInstances(request.selection.filter, options.now));
      throw new AppError("INVALID_INPUT", message, { filter: [message] });
    }
    // Newest first, as the list shows them.
    rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.uuid.localeCompare(b.uuid));
  }
  const uuids = "uuids" in request.selection ? request.selection.uuids : rows.map((row) => row.uuid);
  return decideAll(request.action, uuids, rows, options.now);
}

/** One decision per uuid, in the order given, from the rows read for them (a uuid without a row is not found). */
function decideAll(action: BulkAction, uuids: string[], rows: BulkRow[], now: Date, missingReason?: string): PlannedItem[] {
  const byUuid = new Map(rows.map((row) => [row.uuid, row]));
  return uuids.map((uuid) => {
    const row = byUuid.get(uuid) ?? null;
    const target = row && {
      uuid,
      phase: row.phase,
      deleted: row.deletedAt !== null,
      expiresAt: row.expiresAt,
      extendCount: row.extendCount,
      policy: { ttlSeconds: row.ttlSeconds, extendSeconds: row.ttlExtendSeconds, maxExtends: row.ttlMaxExtends },
    };
    const decision = decideBulkItem(action, target, now);
    return { uuid, row, decision: decision.outcome === "not-found" && missingReason ? { outcome: "not-found", reason: missingReason } : decision };
  });
}

/**
 * Plans a bulk action limited to a scope (a teacher's class): only the uuids in `allowed` (with the owner key each had
 * when the scope was read) are read (and locked,
 * with `lock`); every other uuid asked for is reported as not found with `outOfScope` as the reason, exactly as
 * a uuid that does not exist, so nobody learns of environments outside their scope.
 */
export async function planScopedBulk(
  tx: Pick<Prisma.TransactionClient, "$queryRawUnsafe">,
  action: BulkAction,
  uuids: string[],
  options: { now: Date; lock: boolean; allowed: ReadonlyMap<string, string | null>; outOfScope: string },
): Promise<PlannedItem[]> {
  const inScope = uuids.filter((uuid) => options.allowed.has(uuid));
  const rows = inScope.length === 0 ? [] : await readBulkRows(tx, { uuids: inScope }, { now: options.now, limit: inScope.length, lock: options.lock });
  // The scope was read before the locks: a row whose owner changed since (a pool member handed back) is out of it.
  const stillInScope = rows.filter((row) => options.allowed.get(row.uuid) === row.ownerKey);
  return decideAll(action, uuids, stillInScope, options.now, options.outOfScope);
}

/** Who a bulk action acts as, for the environments' messages and the audit trail. */
export interface BulkActor {
  identity: Identity;
  /** "an administrator", "a teacher of Networks 101": the message an ended environment keeps. */
  as: string;
  /** Who ends someone else's environment, as the audit entries say ("bulk end by a teacher"). */
  role: "admin" | "teacher";
  /** What the bulk's own audit entry records besides the selection (the class, for a teacher). */
  context?: Record<string, unknown>;
}

/**
 * Ends or extends every planned environment that was decided so, inside the caller's transaction (rows locked),
 * each with its audit entry, and a bulk of more than one with one more saying what was asked and what came of
 * it. The one executor of the admin's bulk actions and a teacher's.
 */
export async function applyBulk(
  tx: Prisma.TransactionClient,
  actor: BulkActor,
  action: BulkAction,
  planned: PlannedItem[],
  options: { bulk: boolean; selection: Record<string, unknown> },
): Promise<BulkCounts> {
  const { identity } = actor;
  for (const { row, decision } of planned) {
    if (!row) continue;
    if (decision.outcome === "ended") {
      await endInstance(tx, identity, row, { message: `Ended by ${actor.as} (${identity.username})`, reason: options.bulk ? `bulk end by ${article(actor.role)}` : `ended by ${article(actor.role)}`, staff: actor.role });
    } else if (decision.outcome === "extended") {
      await tx.instance.update({ where: { id: row.id }, data: { expiresAt: decision.expiresAt, extendCount: decision.extendCount } });
      await recordAudit(tx, {
        actor: identity,
        action: "instance.extend",
        objectType: "instance",
        objectId: row.uuid,
        before: { expiresAt: row.expiresAt, extendCount: row.extendCount },
        after: { expiresAt: decision.expiresAt, extendCount: decision.extendCount, reason: options.bulk ? `bulk extend by ${article(actor.role)}` : `extended by ${article(actor.role)}` },
      });
    }
  }
  const counts = bulkCounts(planned);
  if (options.bulk) {
    await recordAudit(tx, {
      actor: identity,
      action: `instance.bulk-${action}`,
      objectType: "instance",
      objectId: null,
      before: { ...actor.context, ...options.selection, count: planned.length },
      after: { counts, items: planned.map(({ uuid, decision }) => ({ uuid, outcome: decision.outcome })) },
    });
  }
  return counts;
}

function article(role: string): string {
  return /^[aeiou]/.test(role) ? `an ${role}` : `a ${role}`;
}

export function toBulkItem({ uuid, row, decision }: PlannedItem): BulkItem {
  return { uuid, template: row?.template ?? null, owner: row?.ownerKey ?? null, phase: row?.phase ?? null, outcome: decision.outcome, reason: decision.reason };
}

export function bulkCounts(items: PlannedItem[]): BulkCounts {
  return countOutcomes(items.map((item) => item.decision));
}
