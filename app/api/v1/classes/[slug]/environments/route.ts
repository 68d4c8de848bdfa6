import { apiRoute, queryValues, respond } from "@/lib/api/http";
import { ClassEnvironmentsSchema } from "@/lib/api/schemas/class-environments";
import { getClassEnvironments } from "@/lib/services/classes/get-class-environments";

export const dynamic = "force-dynamic";

/** A class's students by its templates, each cell their environment now (teachers of the class, admins). */
export const GET = apiRoute<{ slug: string }>(async ({ request, params, identity }) =>
  respond(ClassEnvironmentsSchema, await getClassEnvironments(identity, { slug: params.slug, searchParams: queryValues(request) })),
  { permission: "teach:view" },
);
