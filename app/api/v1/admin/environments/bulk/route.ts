import { apiRoute, json, readJsonObject } from "@/lib/api/http";
import { runBulkAction } from "@/lib/services/instances/run-bulk";

export const dynamic = "force-dynamic";

/** End or extend the environments picked, or every one a filter matches, once the count is confirmed (admins only). */
export const POST = apiRoute(async ({ request, identity }) => json(await runBulkAction(identity, await readJsonObject(request))));
