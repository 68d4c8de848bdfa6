import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { listAuditEventsAfter } from "@/lib/db/audit-trail";
import { db } from "@/lib/db/client";
import { AUDIT_CSV_HEADER, auditCsvRow, parseAuditQuery } from "@/lib/domain/audit-trail";
import { CSV_BOM } from "@/lib/domain/csv";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

/** Entries read per query while an export streams. */
const BATCH = 1000;

export interface AuditExport {
  filename: string;
  /** The CSV, written as it is read: a long trail is never held in memory at once. */
  body: ReadableStream<Uint8Array>;
}

/**
 * The audit trail as CSV for an admin, with the same filters as the page (every matching entry, not one
 * page), newest first. Cells are neutralised against spreadsheet formulas (lib/domain/csv.ts). The export
 * itself is audited, with its filters.
 */
export async function exportAuditEvents(identity: Identity | null, input: { query: Record<string, string | string[] | undefined> }): Promise<AuditExport> {
  assertCan(identity, "audit:view");
  const { filter, range, errors, unknown } = parseAuditQuery(input.query);
  if (unknown.length > 0) {
    const names = unknown.map((name) => name.slice(0, 40));
    throw new AppError("INVALID_INPUT", `Unknown filter: ${names.join(", ")}.`, Object.fromEntries(names.map((name) => [name, ["is not a filter of the audit trail"]])));
  }
  if (input.query.page !== undefined) throw new AppError("INVALID_INPUT", "An export has every matching entry: leave out the page.", { page: ["is not a filter of the export"] });
  if (errors) throw new AppError("INVALID_INPUT", "Please correct the filters.", errors);
  await recordAudit(db(), { actor: identity, action: "audit.export", objectType: "audit", objectId: null, after: { filter } });

  const encoder = new TextEncoder();
  let cursor: { at: Date; id: string } | null = null;
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(CSV_BOM + AUDIT_CSV_HEADER));
        return;
      }
      const events = await listAuditEventsAfter(filter, range, cursor, BATCH);
      if (events.length > 0) {
        controller.enqueue(encoder.encode(events.map(auditCsvRow).join("")));
        const last = events.at(-1)!;
        cursor = { at: last.at, id: last.id };
      }
      if (events.length < BATCH) controller.close();
    },
  });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return { filename: `envdeck-audit-${stamp}.csv`, body };
}
