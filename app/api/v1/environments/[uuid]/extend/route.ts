import { apiRoute, json } from "@/lib/api/http";
import { extendInstance } from "@/lib/services/instances/extend";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ uuid: string }>(async ({ params, identity }) => json(await extendInstance(identity, { uuid: params.uuid })));
