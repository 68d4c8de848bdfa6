import "server-only";
import { countAuditEvents, listAuditEvents as listEvents } from "@/lib/db/audit-trail";
import { readSettings } from "@/lib/db/settings";
import { AUDIT_COUNT_CAP, AUDIT_PAGE_SIZE, parseAuditQuery, type AuditEventView, type AuditFilter } from "@/lib/domain/audit-trail";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

export type { AuditEventView };

export interface AuditTrailPage {
  filter: AuditFilter;
  /** Problems with the filters by field; when there are any, nothing is listed. */
  errors: Record<string, string[]> | null;
  events: AuditEventView[];
  page: number;
  pageSize: number;
  /** Matching entries, counted up to AUDIT_COUNT_CAP. */
  total: number;
  /** More entries match than were counted. */
  moreThanTotal: boolean;
  pageCount: number;
  /** Days an entry is kept (the `audit.retentionDays` setting). */
  retentionDays: number;
}

/**
 * A page of the audit trail for an admin, newest first, filtered as the page's URL says. Filters that make no
 * sense are reported by field and nothing is listed, rather than showing a trail that looks filtered and is
 * not.
 */
export async function listAuditEvents(identity: Identity | null, input: { searchParams: Record<string, string | string[] | undefined> }): Promise<AuditTrailPage> {
  assertCan(identity, "audit:view");
  const { filter, range, page, errors } = parseAuditQuery(input.searchParams);
  const settings = await readSettings();
  const base = { filter, errors, page, pageSize: AUDIT_PAGE_SIZE, retentionDays: settings.audit.retentionDays };
  if (errors) return { ...base, events: [], total: 0, moreThanTotal: false, pageCount: 0 };
  const [events, counted] = await Promise.all([listEvents(filter, range, page, AUDIT_PAGE_SIZE), countAuditEvents(filter, range, AUDIT_COUNT_CAP)]);
  const total = Math.min(counted, AUDIT_COUNT_CAP);
  return { ...base, events, total, moreThanTotal: counted > AUDIT_COUNT_CAP, pageCount: Math.ceil(total / AUDIT_PAGE_SIZE) };
}
