import "server-only";
import { listUsableTemplates as listUsable } from "@/lib/db/catalogs";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { scopeOf } from "./internal/catalogs";

export interface UsableTemplateView {
  name: string;
  displayName: string;
  description: string;
  category: string;
  /** Hidden from the catalog: only reachable through catalogs. */
  hidden: boolean;
  /** The caller's own class template (rather than a system template). */
  own: boolean;
}

/**
 * The templates the caller may put in a catalog, by display name: system templates that are not base,
 * deleted or invalid (hidden ones included) and the caller's own class templates; an admin, every such one.
 */
export async function listUsableTemplates(identity: Identity | null): Promise<UsableTemplateView[]> {
  assertCan(identity, "catalog:manage");
  const rows = await listUsable({ userId: scopeOf(identity).userId });
  return rows.map((t) => ({ name: t.name, displayName: t.displayName, description: t.description, category: t.category, hidden: !t.visible, own: t.ownerId === identity.userId }));
}
