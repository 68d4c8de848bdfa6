import "server-only";
import { db } from "@/lib/db/client";
import { bulkQuestion, describeOutcomes } from "@/lib/domain/bulk-action";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { instanceFilterParams } from "@/lib/domain/instance-list";
import { assertCan } from "@/lib/domain/permissions";
import { applyBulk, planBulk, readBulkRequest, toBulkItem, type BulkResult } from "./internal/bulk";

export type { BulkResult };

/** A bulk action of many rows holds their locks a while on a busy machine: more than a transaction's default. */
const TRANSACTION_TIMEOUT_MS = 30_000;

/**
 * Ends or extends many environments at once (an admin's bulk action, or one environment from its page): the
 * ones picked, or every live one a filter matches, computed here from the filter. The rows are locked and
 * decided on as they are then; the caller must confirm the count they were shown (`confirm`), and a count
 * that differs now (an environment started or ended meanwhile) is refused with nothing changed. Each
 * environment is ended through endInstance, as its owner's release does, or extended by its template's
 * extension time within its limit; each gets its audit entry naming the admin, and a bulk of more than one
 * gets one more that says what was asked and what came of it. An admin's end always tears down, even a
 * claimed member of a pool that does not recycle.
 */
export async function runBulkAction(identity: Identity | null, input: unknown): Promise<BulkResult> {
  assertCan(identity, "instance:manage-any");
  const request = readBulkRequest(input);
  const now = new Date();
  return db().$transaction(
    async (tx) => {
      const planned = await planBulk(tx, request, { now, lock: true });
      const count = planned.length;
      if (request.confirm !== count) {
        const question = bulkQuestion(request.action, count);
        const message =
          request.confirm === null
            ? `${question} Nothing was changed: confirm with the count ("confirm": ${count}).`
            : `The selection now holds ${count} environment${count === 1 ? "" : "s"}, not ${request.confirm}: nothing was changed. Look again and confirm ${count}.`;
        throw new AppError("CONFLICT", message, { confirm: [message] });
      }
      const bulk = count > 1 || "filter" in request.selection;
      const selection = "filter" in request.selection ? { filter: instanceFilterParams(request.selection.filter) } : { uuids: request.selection.uuids };
      const counts = await applyBulk(tx, { identity, as: "an administrator", role: "admin" }, request.action, planned, { bulk, selection });
      return { action: request.action, count, counts, summary: describeOutcomes(request.action, counts), items: planned.map(toBulkItem) };
    },
    { timeout: TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_TIMEOUT_MS },
  );
}
