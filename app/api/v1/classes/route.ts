import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { ClassCreateSchema, ClassListSchema, ClassSchema } from "@/lib/api/schemas/class";
import { createClass } from "@/lib/services/classes/create-class";
import { getClass } from "@/lib/services/classes/get-class";
import { listClasses } from "@/lib/services/classes/list-classes";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ identity }) => respond(ClassListSchema, { classes: await listClasses(identity) }), { permission: "teach:view" });

export const POST = apiRoute(
  async ({ request, identity }) => {
    const created = await createClass(identity, parseInput(ClassCreateSchema, await readJsonObject(request)));
    return respond(ClassSchema, await getClass(identity, { slug: created.slug }), 201, { Location: `/api/v1/classes/${created.slug}` });
  },
  { permission: "class:manage" },
);
