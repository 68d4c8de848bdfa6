import { apiRoute, json } from "@/lib/api/http";
import { getEnvironment } from "@/lib/services/environments";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ name: string }>(async ({ params, identity }) => json(await getEnvironment(identity, { template: params.name })));
