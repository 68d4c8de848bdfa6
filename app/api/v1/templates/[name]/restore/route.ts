import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { EmptyBodySchema } from "@/lib/api/schemas/common";
import { TemplateSchema } from "@/lib/api/schemas/template";
import { templateResource } from "@/lib/api/templates";
import { getTemplateDetail } from "@/lib/services/templates/get-detail";
import { restoreTemplate } from "@/lib/services/templates/restore-template";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ name: string }>(
  async ({ request, params, identity }) => {
    parseInput(EmptyBodySchema, await readJsonObject(request, { allowEmpty: true }));
    const { name } = await restoreTemplate(identity, { name: params.name });
    return respond(TemplateSchema, templateResource(await getTemplateDetail(identity, { name })));
  },
  { permission: "template:edit" },
);
