import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { JoinResultSchema, JoinSchema } from "@/lib/api/schemas/class";
import { joinClass } from "@/lib/services/classes/join-class";

export const dynamic = "force-dynamic";

export const POST = apiRoute(
  async ({ request, identity }) => respond(JoinResultSchema, await joinClass(identity, parseInput(JoinSchema, await readJsonObject(request)))),
  { permission: "class:join" },
);
