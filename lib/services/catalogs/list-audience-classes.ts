import "server-only";
import { listTaughtClasses } from "@/lib/db/catalogs";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { scopeOf } from "./internal/catalogs";

/** The classes the caller may make a catalog for: those they teach (an admin: every class), by title. */
export async function listAudienceClasses(identity: Identity | null): Promise<{ slug: string; title: string; archived: boolean }[]> {
  assertCan(identity, "catalog:manage");
  const rows = await listTaughtClasses({ userId: scopeOf(identity).userId });
  return rows.map(({ slug, title, archived }) => ({ slug, title, archived }));
}
