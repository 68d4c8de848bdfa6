import { apiRoute, parseInput, queryValues, readJsonObject, respond } from "@/lib/api/http";
import { TemplateCatalogViewSchema, TemplateChangeResultSchema, TemplateDeleteQuerySchema, TemplateDeleteResultSchema, TemplatePatchSchema, TemplateSchema } from "@/lib/api/schemas/template";
import { catalogView, templateResource } from "@/lib/api/templates";
import { can } from "@/lib/domain/permissions";
import { getLaunchPage } from "@/lib/services/instances/launch-page";
import { deleteTemplate } from "@/lib/services/templates/delete-template";
import { getTemplateDetail } from "@/lib/services/templates/get-detail";
import { patchTemplateSettings } from "@/lib/services/templates/patch-settings";

export const dynamic = "force-dynamic";

/** Admins read every setting; anyone else reads what the template's launch page shows, as they may launch it by name. */
export const GET = apiRoute<{ name: string }>(async ({ params, identity }) =>
  can(identity, "template:edit")
    ? respond(TemplateSchema, templateResource(await getTemplateDetail(identity, { name: params.name })))
    : respond(TemplateCatalogViewSchema, catalogView(await getLaunchPage(identity, { name: params.name }))),
);

export const PATCH = apiRoute<{ name: string }>(
  async ({ request, params, identity }) => {
    const { confirm, ...changes } = parseInput(TemplatePatchSchema, await readJsonObject(request));
    const { changed, impact } = await patchTemplateSettings(identity, { name: params.name, changes, confirm });
    return respond(TemplateChangeResultSchema, { changed, impact, template: templateResource(await getTemplateDetail(identity, { name: params.name })) });
  },
  { permission: "template:edit" },
);

export const DELETE = apiRoute<{ name: string }>(
  async ({ request, params, identity }) => {
    const { environments } = parseInput(TemplateDeleteQuerySchema, queryValues(request));
    return respond(TemplateDeleteResultSchema, await deleteTemplate(identity, { name: params.name, instances: environments }));
  },
  { permission: "template:edit" },
);
