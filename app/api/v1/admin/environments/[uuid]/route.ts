import { apiRoute, respond } from "@/lib/api/http";
import { AdminEnvironmentDetailSchema } from "@/lib/api/schemas/admin-environment";
import { getInstanceDetail } from "@/lib/services/instances/get-detail";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ uuid: string }>(async ({ params, identity }) => respond(AdminEnvironmentDetailSchema, await getInstanceDetail(identity, { uuid: params.uuid })));
