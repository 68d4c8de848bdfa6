import "server-only";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

export interface AdminOverview {
  counts: { templates: number; users: number; liveInstances: number; catalogs: number };
  templates: {
    name: string;
    displayName: string;
    version: number;
    method: string;
    enabled: boolean;
    visible: boolean;
    isBase: boolean;
    validationError: string | null;
  }[];
  recentEvents: { at: Date; actorName: string; action: string; objectType: string }[];
}

/** The admin landing page: what exists, and what changed last. */
export async function getAdminOverview(identity: Identity | null): Promise<AdminOverview> {
  assertCan(identity, "admin:view");
  const client = db();
  const [templates, users, liveInstances, catalogs, templateRows, recentEvents] = await Promise.all([
    client.template.count({ where: { deletedAt: null } }),
    client.user.count(),
    client.instance.count({ where: { deletedAt: null } }),
    client.catalog.count({ where: { deletedAt: null } }),
    client.template.findMany({
      where: { deletedAt: null },
      orderBy: { name: "asc" },
      select: {
        name: true,
        displayName: true,
        method: true,
        enabled: true,
        visible: true,
        isBase: true,
        validationError: true,
        versions: { orderBy: { version: "desc" }, take: 1, select: { version: true } },
      },
    }),
    client.auditEvent.findMany({
      orderBy: { at: "desc" },
      take: 10,
      select: { at: true, actorName: true, action: true, objectType: true },
    }),
  ]);
  return {
    counts: { templates, users, liveInstances, catalogs },
    templates: templateRows.map(({ versions, ...t }) => ({ ...t, version: versions[0]?.version ?? 0 })),
    recentEvents,
  };
}

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
