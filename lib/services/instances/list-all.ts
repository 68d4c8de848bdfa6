import "server-only";
import { listInstancesPage } from "@/lib/db/instances";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { PAGE_SIZE, pageCount, parseInstanceListQuery, type InstanceListQuery } from "@/lib/domain/instance-list";
import { assertCan } from "@/lib/domain/permissions";
import { toAdminEnvironmentRow, type AdminEnvironmentRow } from "./admin-view";

export interface AdminEnvironmentPage {
  query: InstanceListQuery;
  rows: AdminEnvironmentRow[];
  /** How many environments match the filter, on every page. */
  total: number;
  pages: number;
  pageSize: number;
  observedAt: string;
}

/** What the list answers when its parameters are not understood: the message, and one per parameter in `fields`. */
export const INVALID_LIST_MESSAGE = "Some of the list's filters are not valid: nothing is listed until they are corrected.";

/**
 * Every environment, pool members and torn-down ones included, for admins: filtered, sorted and paged on the
 * server from search parameters (a page's URL or the API's query string). Parameters it does not understand
 * are refused, each named, rather than ignored: a list that bulk actions act on must show what was asked.
 */
export async function listAllInstances(identity: Identity | null, input: { searchParams: unknown }): Promise<AdminEnvironmentPage> {
  assertCan(identity, "instance:manage-any");
  const parsed = parseInstanceListQuery(input?.searchParams);
  if (!parsed.ok) throw new AppError("INVALID_INPUT", INVALID_LIST_MESSAGE, parsed.errors);
  const now = new Date();
  const { rows, total } = await listInstancesPage(parsed.value, now);
  return {
    query: parsed.value,
    rows: rows.map(toAdminEnvironmentRow),
    total,
    pages: pageCount(total),
    pageSize: PAGE_SIZE,
    observedAt: now.toISOString(),
  };
}
