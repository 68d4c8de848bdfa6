import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { BulkRequestSchema, BulkResultSchema } from "@/lib/api/schemas/admin-environment";
import { runBulkAction } from "@/lib/services/instances/run-bulk";

export const dynamic = "force-dynamic";

/** End or extend the environments picked, or every one a filter matches, once the count is confirmed (admins only). */
export const POST = apiRoute(async ({ request, identity }) => respond(BulkResultSchema, await runBulkAction(identity, parseInput(BulkRequestSchema, await readJsonObject(request)))));
