import { apiRoute, respond } from "@/lib/api/http";
import { EnvironmentSchema } from "@/lib/api/schemas/environment";
import { extendInstance } from "@/lib/services/instances/extend";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ uuid: string }>(async ({ params, identity }) => respond(EnvironmentSchema, await extendInstance(identity, { uuid: params.uuid })));
