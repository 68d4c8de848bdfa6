import "server-only";
import { db } from "@/lib/db/client";
import { listTemplateSummaries, type TemplateSummary } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

export interface AdminOverview {
  counts: { templates: number; users: number; liveInstances: number; catalogs: number };
  templates: TemplateSummary[];
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
    listTemplateSummaries(),
    client.auditEvent.findMany({
      orderBy: { at: "desc" },
      take: 10,
      select: { at: true, actorName: true, action: true, objectType: true },
    }),
  ]);
  return {
    counts: { templates, users, liveInstances, catalogs },
    templates: templateRows,
    recentEvents,
  };
}
