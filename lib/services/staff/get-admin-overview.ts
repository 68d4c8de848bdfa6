import "server-only";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

export interface AdminOverview {
  counts: { templates: number; users: number; liveInstances: number; catalogs: number };
  /** Live templates that failed their last validation. */
  invalidTemplates: number;
  /** Environments that failed to start and are not torn down yet. */
  failedInstances: number;
  recentEvents: { at: Date; actorName: string; action: string; objectType: string }[];
}

/** The admin landing page: what exists, and what changed last. */
export async function getAdminOverview(identity: Identity | null): Promise<AdminOverview> {
  assertCan(identity, "admin:view");
  const client = db();
  const [templates, users, liveInstances, catalogs, invalidTemplates, failedInstances, recentEvents] = await Promise.all([
    client.template.count({ where: { deletedAt: null } }),
    client.user.count(),
    client.instance.count({ where: { deletedAt: null } }),
    client.catalog.count({ where: { deletedAt: null } }),
    client.template.count({ where: { deletedAt: null, validationError: { not: null } } }),
    client.instance.count({ where: { deletedAt: null, phase: "Failed" } }),
    client.auditEvent.findMany({
      orderBy: { at: "desc" },
      take: 10,
      select: { at: true, actorName: true, action: true, objectType: true },
    }),
  ]);
  return {
    counts: { templates, users, liveInstances, catalogs },
    invalidTemplates,
    failedInstances,
    recentEvents,
  };
}
