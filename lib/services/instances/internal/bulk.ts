import "server-only";
import { countMatchingInstances, readBulkRows, type BulkRow } from "@/lib/db/instances";
import type { Prisma } from "@/lib/db/client";
import { countOutcomes, decideBulkItem, MAX_BULK, parseBulkRequest, tooManyMessage, type BulkAction, type BulkCounts, type BulkDecision, type BulkOutcome, type BulkRequest } from "@/lib/domain/bulk-action";
import { AppError } from "@/lib/domain/errors";
import type { Phase } from "@/lib/domain/phase";

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
  const byUuid = new Map(rows.map((row) => [row.uuid, row]));
  const uuids = "uuids" in request.selection ? request.selection.uuids : rows.map((row) => row.uuid);
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
    return { uuid, row, decision: decideBulkItem(request.action, target, options.now) };
  });
}

export function toBulkItem({ uuid, row, decision }: PlannedItem): BulkItem {
  return { uuid, template: row?.template ?? null, owner: row?.ownerKey ?? null, phase: row?.phase ?? null, outcome: decision.outcome, reason: decision.reason };
}

export function bulkCounts(items: PlannedItem[]): BulkCounts {
  return countOutcomes(items.map((item) => item.decision));
}
