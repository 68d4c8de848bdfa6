import "server-only";
import { ADMIN_LIST_LIMIT, countTemplates, listAdminTemplates, type AdminTemplateRow } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { parseTemplateListFilter, type TemplateListFilter } from "@/lib/domain/template-list";

export interface TemplateList {
  filter: TemplateListFilter;
  rows: AdminTemplateRow[];
  /** True when more templates match than are listed. */
  truncated: boolean;
  /** Templates in all, live and deleted, whatever the filter: tells "none yet" from "none match". */
  totals: { live: number; deleted: number };
  /** The main categories of live templates, for the category filter. */
  categories: string[];
}

/**
 * The admin's list of templates, filtered on the server by what the page's URL says (search, state, method,
 * category, owner, deleted), with each template's live environments and pool members.
 */
export async function listTemplates(identity: Identity | null, input: { searchParams: Record<string, string | string[] | undefined> }): Promise<TemplateList> {
  assertCan(identity, "template:edit");
  const filter = parseTemplateListFilter(input?.searchParams ?? {});
  const [rows, counts] = await Promise.all([listAdminTemplates(filter), countTemplates()]);
  return {
    filter,
    rows: rows.slice(0, ADMIN_LIST_LIMIT),
    truncated: rows.length > ADMIN_LIST_LIMIT,
    totals: { live: counts.live, deleted: counts.deleted },
    categories: counts.categories,
  };
}
