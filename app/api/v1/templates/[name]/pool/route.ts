import { apiRoute, respond } from "@/lib/api/http";
import { PoolStateSchema } from "@/lib/api/schemas/pool";
import { getPoolState } from "@/lib/services/pools/get-pool-state";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ name: string }>(async ({ params, identity }) => respond(PoolStateSchema, await getPoolState(identity, { name: params.name })));
