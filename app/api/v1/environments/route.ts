import { apiRoute, respond } from "@/lib/api/http";
import { EnvironmentListSchema } from "@/lib/api/schemas/environment";
import { listInstances } from "@/lib/services/instances/list";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ identity }) => respond(EnvironmentListSchema, await listInstances(identity)));
