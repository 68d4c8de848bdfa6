import { apiRoute, readJsonObject } from "@/lib/api/http";
import { launchResponse, runBodyParams } from "@/lib/api/launch";
import { launch } from "@/lib/services/launch";

export const dynamic = "force-dynamic";

/** Launch with typed JSON parameters: `{"params": {...}}`; an empty body launches with the defaults. */
export const POST = apiRoute<{ name: string }>(async ({ request, params, identity }) =>
  launchResponse(await launch(identity, params.name, runBodyParams(await readJsonObject(request, { allowEmpty: true })))),
);
