import { apiRoute, json } from "@/lib/api/http";
import { getInstance } from "@/lib/services/instances/get";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ name: string }>(async ({ params, identity }) => json(await getInstance(identity, { template: params.name })));
