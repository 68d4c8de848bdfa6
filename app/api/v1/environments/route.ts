import { apiRoute, json } from "@/lib/api/http";
import { listInstances } from "@/lib/services/instances/list";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ identity }) => json(await listInstances(identity)));
