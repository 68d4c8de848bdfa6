import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { EmptyBodySchema } from "@/lib/api/schemas/common";
import { ClassSchema, JoinCodePatchSchema } from "@/lib/api/schemas/class";
import { getClass } from "@/lib/services/classes/get-class";
import { rotateJoinCode } from "@/lib/services/classes/rotate-join-code";
import { setJoinCode } from "@/lib/services/classes/set-join-code";

export const dynamic = "force-dynamic";

type Params = { slug: string };

/** A new code: the old one stops working at once. */
export const POST = apiRoute<Params>(
  async ({ request, params, identity }) => {
    await getClass(identity, { slug: params.slug });
    parseInput(EmptyBodySchema, await readJsonObject(request, { allowEmpty: true }));
    await rotateJoinCode(identity, { slug: params.slug });
    return respond(ClassSchema, await getClass(identity, { slug: params.slug }));
  },
  { permission: "class:manage" },
);

export const PATCH = apiRoute<Params>(
  async ({ request, params, identity }) => {
    await getClass(identity, { slug: params.slug });
    await setJoinCode(identity, { slug: params.slug, ...parseInput(JoinCodePatchSchema, await readJsonObject(request)) });
    return respond(ClassSchema, await getClass(identity, { slug: params.slug }));
  },
  { permission: "class:manage" },
);
