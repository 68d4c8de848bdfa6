import { apiRoute, respond } from "@/lib/api/http";
import { WarmUpListSchema } from "@/lib/api/schemas/warm-up";
import { listMyWarmUps } from "@/lib/services/warm-ups/list-warm-ups";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ identity }) => respond(WarmUpListSchema, { warmUps: await listMyWarmUps(identity) }), { permission: "teach:view" });
