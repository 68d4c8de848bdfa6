import "server-only";
import { db } from "@/lib/db/client";
import { bulkQuestion, describeOutcomes } from "@/lib/domain/bulk-action";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { bulkCounts, planBulk, readBulkRequest, toBulkItem, type BulkResult } from "./internal/bulk";

export interface BulkPreview extends BulkResult {
  /** The confirmation's question: "End 12 environments?". */
  question: string;
}

/**
 * What a bulk action would do now, changing nothing: how many environments it acts on (the count the action
 * must be confirmed with) and what would become of each. A filter is applied on the server, as the action
 * will apply it; one that matches more than a bulk action takes is refused with its count.
 */
export async function previewBulkAction(identity: Identity | null, input: unknown): Promise<BulkPreview> {
  assertCan(identity, "instance:manage-any");
  const request = readBulkRequest(input);
  const planned = await planBulk(db(), request, { now: new Date(), lock: false });
  const counts = bulkCounts(planned);
  return {
    action: request.action,
    count: planned.length,
    counts,
    summary: describeOutcomes(request.action, counts, { planned: true }),
    items: planned.map(toBulkItem),
    question: bulkQuestion(request.action, planned.length),
  };
}
