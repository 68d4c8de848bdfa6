import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { ClassSchema, TeacherAddSchema } from "@/lib/api/schemas/class";
import { addTeacher } from "@/lib/services/classes/add-teacher";
import { getClass } from "@/lib/services/classes/get-class";

export const dynamic = "force-dynamic";

/** Adds a co-teacher: 201 with the class, or 200 when they taught it already. */
export const POST = apiRoute<{ slug: string }>(
  async ({ request, params, identity }) => {
    await getClass(identity, { slug: params.slug });
    const { changed } = await addTeacher(identity, { slug: params.slug, ...parseInput(TeacherAddSchema, await readJsonObject(request)) });
    return respond(ClassSchema, await getClass(identity, { slug: params.slug }), changed ? 201 : 200);
  },
  { permission: "class:manage" },
);
