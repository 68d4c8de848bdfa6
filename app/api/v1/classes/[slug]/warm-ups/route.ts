import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { WarmUpCreateSchema, WarmUpListSchema, WarmUpSchema } from "@/lib/api/schemas/warm-up";
import { bookWarmUp } from "@/lib/services/warm-ups/book-warm-up";
import { listClassWarmUps } from "@/lib/services/warm-ups/list-warm-ups";

export const dynamic = "force-dynamic";

type Params = { slug: string };

export const GET = apiRoute<Params>(async ({ params, identity }) => respond(WarmUpListSchema, { warmUps: await listClassWarmUps(identity, { slug: params.slug }) }), { permission: "teach:view" });

export const POST = apiRoute<Params>(
  async ({ request, params, identity }) => {
    const booking = parseInput(WarmUpCreateSchema, await readJsonObject(request));
    const warmUp = await bookWarmUp(identity, { slug: params.slug, booking });
    return respond(WarmUpSchema, warmUp, 201, { Location: `/api/v1/warm-ups/${warmUp.id}` });
  },
  { permission: "class:manage" },
);
