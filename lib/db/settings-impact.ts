import "server-only";
import { db } from "./client";

/** What a change of the portal's settings can reach: every live instance, and the templates on the default quota. */
export async function readSettingsImpactRows() {
  const [instances, templatesOnDefaultQuota] = await Promise.all([
    db().instance.findMany({
      where: { deletedAt: null, phase: { not: "Expiring" } },
      select: { phase: true, step: true, stepStartedAt: true, createdAt: true, message: true, ownerKey: true, pooled: true },
    }),
    db().template.count({ where: { deletedAt: null, isBase: false, maxInstancesPerUser: null } }),
  ]);
  return { instances, templatesOnDefaultQuota };
}
