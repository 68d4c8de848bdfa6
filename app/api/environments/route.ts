import { apiRoute, respond } from "@/lib/api/http";
import { DployEnvironmentListSchema } from "@/lib/api/schemas/environment";
import { listInstances } from "@/lib/services/instances/list";

export const dynamic = "force-dynamic";

/** Dploy-compatible list: `limit` is the caller's quota limit (null when unlimited). */
export const GET = apiRoute(async ({ identity }) => {
  const list = await listInstances(identity);
  return respond(DployEnvironmentListSchema, { ...list, limit: list.quota.limit });
});
