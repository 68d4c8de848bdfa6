import { apiRoute, json, queryValues } from "@/lib/api/http";
import { listAllInstances } from "@/lib/services/instances/list-all";

export const dynamic = "force-dynamic";

/** Every environment, filtered, sorted and paged by the query string (admins only). */
export const GET = apiRoute(async ({ request, identity }) => json(await listAllInstances(identity, { searchParams: queryValues(request) })));
