import { bulkAction, bulkPreviewAction } from "@/app/(staff)/admin/environments/actions";
import type { ActionState } from "@/lib/auth/actions";
import type { BulkAction } from "@/lib/domain/bulk-action";
import type { BulkPreview } from "@/lib/services/instances/preview-bulk";
import type { BulkResult } from "@/lib/services/instances/run-bulk";

/** What a bulk action is asked to act on, as the browser sends it: picked uuids, or the list's filter as its URL has it. */
export type BulkTargets = { uuids: string[] } | { filter: Record<string, string> };

function formOf(request: object): FormData {
  const data = new FormData();
  data.set("request", JSON.stringify(request));
  return data;
}

/** Asks the server what an action would do now: the count to confirm, and each environment's outcome. */
export async function previewBulk(action: BulkAction, targets: BulkTargets): Promise<ActionState<BulkPreview>> {
  return (await bulkPreviewAction({ ok: false }, formOf({ action, ...targets }))) as ActionState<BulkPreview>;
}

/** Runs an action confirmed with `confirm`, the count the admin was shown. */
export async function runBulk(action: BulkAction, targets: BulkTargets, confirm: number): Promise<ActionState<BulkResult>> {
  return (await bulkAction({ ok: false }, formOf({ action, ...targets, confirm }))) as ActionState<BulkResult>;
}
