import "server-only";
import type { Identity } from "@/lib/domain/identity";
import { buildClassUsage, usageContext, type ClassUsage } from "./internal/report";

export type { ClassUsage, OwnerUsage } from "./internal/report";

/**
 * A class's usage report over a range of days (`from`, `to`, `tz`; the last 30 days in UTC when left out):
 * for the class's teachers and admins (anyone else: NOT_FOUND or FORBIDDEN), covering its members and the
 * templates of its catalogs. `now` is for tests: where open spans stop counting.
 */
export async function getClassUsage(identity: Identity | null, input: { slug: unknown; query: Record<string, string | undefined>; now?: Date }): Promise<ClassUsage> {
  return buildClassUsage(await usageContext(identity, input));
}
