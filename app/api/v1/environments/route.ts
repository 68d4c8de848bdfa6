import { apiRoute, json } from "@/lib/api/http";
import { listEnvironments } from "@/lib/services/environments";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ identity }) => json(await listEnvironments(identity)));
