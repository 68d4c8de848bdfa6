import { apiRoute, noContent, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { ClassPatchSchema, ClassSchema } from "@/lib/api/schemas/class";
import { archiveClass } from "@/lib/services/classes/archive-class";
import { getClass } from "@/lib/services/classes/get-class";
import { updateClass } from "@/lib/services/classes/update-class";

export const dynamic = "force-dynamic";

type Params = { slug: string };

export const GET = apiRoute<Params>(async ({ params, identity }) => respond(ClassSchema, await getClass(identity, { slug: params.slug })), { permission: "teach:view" });

export const PATCH = apiRoute<Params>(
  async ({ request, params, identity }) => {
    const { archived, ...fields } = parseInput(ClassPatchSchema, await readJsonObject(request));
    // Checked first, so a class the caller may not reach is not found whatever the body says.
    await getClass(identity, { slug: params.slug });
    if (Object.keys(fields).length > 0) await updateClass(identity, { slug: params.slug, fields });
    if (archived !== undefined) await archiveClass(identity, { slug: params.slug, archived });
    return respond(ClassSchema, await getClass(identity, { slug: params.slug }));
  },
  { permission: "class:manage" },
);

/** Archives the class: nothing is deleted (PATCH with archived: false brings it back). */
export const DELETE = apiRoute<Params>(
  async ({ params, identity }) => {
    await archiveClass(identity, { slug: params.slug, archived: true });
    return noContent();
  },
  { permission: "class:manage" },
);
