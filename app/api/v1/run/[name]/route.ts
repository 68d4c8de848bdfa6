import { apiRoute, readJsonObject } from "@/lib/api/http";
import { launchResponse, runBodyParams } from "@/lib/api/launch";
import { launchInstance } from "@/lib/services/instances/launch";

export const dynamic = "force-dynamic";

/** Launch with typed JSON parameters: `{"params": {...}}`; an empty body launches with the defaults. */
export const POST = apiRoute<{ name: string }>(async ({ request, params, identity }) =>
  launchResponse(await launchInstance(identity, { template: params.name, params: runBodyParams(await readJsonObject(request, { allowEmpty: true })) })),
);
