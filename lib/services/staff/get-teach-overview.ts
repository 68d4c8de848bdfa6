import "server-only";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

export interface TeachOverview {
  /** `classes`: the titles of the classes a catalog is for. */
  catalogs: { slug: string; title: string; audienceGroups: string[]; classes: string[]; items: number }[];
}

/** The teacher landing page: the catalogs this teacher curates (admins see all). */
export async function getTeachOverview(identity: Identity | null): Promise<TeachOverview> {
  assertCan(identity, "teach:view");
  const isAdmin = identity.roles.includes("admin");
  const catalogs = await db().catalog.findMany({
    where: { deletedAt: null, ...(isAdmin ? {} : { ownerId: identity.userId }) },
    orderBy: { title: "asc" },
    select: { slug: true, title: true, audienceGroups: true, classes: { select: { class: { select: { title: true } } } }, _count: { select: { items: true } } },
  });
  return { catalogs: catalogs.map(({ _count, classes, ...c }) => ({ ...c, classes: classes.map((k) => k.class.title).sort(), items: _count.items })) };
}
