import { apiRoute, noContent, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { ClassTemplateChangeResultSchema, ClassTemplatePatchSchema, ClassTemplateSchema } from "@/lib/api/schemas/class-template";
import { deleteClassTemplate } from "@/lib/services/class-templates/delete-class-template";
import { getClassTemplate } from "@/lib/services/class-templates/get-class-template";
import { updateClassTemplate } from "@/lib/services/class-templates/update-class-template";

export const dynamic = "force-dynamic";

type Params = { name: string };
const manage = { permission: "class-template:manage" } as const;

export const GET = apiRoute<Params>(async ({ params, identity }) => respond(ClassTemplateSchema, await getClassTemplate(identity, { name: params.name })), manage);

export const PATCH = apiRoute<Params>(async ({ request, params, identity }) => {
  const body = parseInput(ClassTemplatePatchSchema, await readJsonObject(request));
  return respond(ClassTemplateChangeResultSchema, await updateClassTemplate(identity, { name: params.name, body }));
}, manage);

export const DELETE = apiRoute<Params>(async ({ params, identity }) => {
  await deleteClassTemplate(identity, { name: params.name });
  return noContent();
}, manage);
