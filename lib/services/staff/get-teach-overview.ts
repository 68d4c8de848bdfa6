import "server-only";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

export interface TeachOverview {
  catalogs: { slug: string; title: string; audienceGroups: string[]; items: number }[];
}

/** The teacher landing page: the catalogs this teacher curates (admins see all). */
export async function getTeachOverview(identity: Identity | null): Promise<TeachOverview> {
  assertCan(identity, "teach:view");
  const isAdmin = identity.roles.includes("admin");
  const catalogs = await db().catalog.findMany({
    where: { deletedAt: null, ...(isAdmin ? {} : { ownerId: identity.userId }) },
    orderBy: { title: "asc" },
    select: { slug: true, title: true, audienceGroups: true, _count: { select: { items: true } } },
  });
  return { catalogs: catalogs.map(({ _count, ...c }) => ({ ...c, items: _count.items })) };
}
