import { apiRoute, respond } from "@/lib/api/http";
import { EnvironmentSchema } from "@/lib/api/schemas/environment";
import { getInstance } from "@/lib/services/instances/get";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ name: string }>(async ({ params, identity }) => respond(EnvironmentSchema, await getInstance(identity, { template: params.name })));
