import { apiRoute, noContent, respond } from "@/lib/api/http";
import { EnvironmentSchema } from "@/lib/api/schemas/environment";
import { getInstance } from "@/lib/services/instances/get";
import { releaseInstance } from "@/lib/services/instances/release";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ uuid: string }>(async ({ params, identity }) => respond(EnvironmentSchema, await getInstance(identity, { uuid: params.uuid })));

export const DELETE = apiRoute<{ uuid: string }>(async ({ params, identity }) => {
  await releaseInstance(identity, { uuid: params.uuid });
  return noContent();
});
