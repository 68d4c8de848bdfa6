import { apiRoute, json } from "@/lib/api/http";
import { getInstanceDetail } from "@/lib/services/instances/get-detail";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ uuid: string }>(async ({ params, identity }) => json(await getInstanceDetail(identity, { uuid: params.uuid })));
