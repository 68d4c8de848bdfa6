import { apiRoute, json } from "@/lib/api/http";
import { getPoolState } from "@/lib/services/pools/get-pool-state";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ name: string }>(async ({ params, identity }) => json(await getPoolState(identity, { name: params.name })));
