import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { WarmUpPatchSchema, WarmUpSchema } from "@/lib/api/schemas/warm-up";
import { cancelWarmUp } from "@/lib/services/warm-ups/cancel-warm-up";
import { getWarmUp } from "@/lib/services/warm-ups/list-warm-ups";
import { updateWarmUp } from "@/lib/services/warm-ups/update-warm-up";

export const dynamic = "force-dynamic";

type Params = { id: string };
const manage = { permission: "class:manage" } as const;

export const GET = apiRoute<Params>(async ({ params, identity }) => respond(WarmUpSchema, await getWarmUp(identity, { id: params.id })), { permission: "teach:view" });

export const PATCH = apiRoute<Params>(async ({ request, params, identity }) => {
  const change = parseInput(WarmUpPatchSchema, await readJsonObject(request));
  return respond(WarmUpSchema, await updateWarmUp(identity, { id: params.id, change }));
}, manage);

export const DELETE = apiRoute<Params>(async ({ params, identity }) => respond(WarmUpSchema, await cancelWarmUp(identity, { id: params.id })), manage);
