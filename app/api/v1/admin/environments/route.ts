import { apiRoute, queryValues, respond } from "@/lib/api/http";
import { AdminEnvironmentPageSchema } from "@/lib/api/schemas/admin-environment";
import { listAllInstances } from "@/lib/services/instances/list-all";

export const dynamic = "force-dynamic";

/** Every environment, filtered, sorted and paged by the query string (admins only); the use case names each parameter it refuses. */
export const GET = apiRoute(async ({ request, identity }) => respond(AdminEnvironmentPageSchema, await listAllInstances(identity, { searchParams: queryValues(request) })));
