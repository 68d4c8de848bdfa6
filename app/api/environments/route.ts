import { apiRoute, json } from "@/lib/api/http";
import { listInstances } from "@/lib/services/instances/list";

export const dynamic = "force-dynamic";

/** Dploy-compatible list: `limit` is the caller's quota limit (null when unlimited). */
export const GET = apiRoute(async ({ identity }) => {
  const list = await listInstances(identity);
  return json({ ...list, limit: list.quota.limit });
});
