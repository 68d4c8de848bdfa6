import { apiRoute, MAX_TEMPLATE_BODY_BYTES, parseInput, queryValues, readJsonObject, respond } from "@/lib/api/http";
import { TemplateCreateSchema, TemplateListQuerySchema, TemplateListSchema, TemplateSchema } from "@/lib/api/schemas/template";
import { createTemplateFrom, templateResource } from "@/lib/api/templates";
import { getTemplateDetail } from "@/lib/services/templates/get-detail";
import { listTemplates } from "@/lib/services/templates/list-templates";

export const dynamic = "force-dynamic";

export const GET = apiRoute(
  async ({ request, identity }) => {
    const { deleted, ...filter } = parseInput(TemplateListQuerySchema, queryValues(request));
    const list = await listTemplates(identity, { searchParams: { ...filter, deleted: deleted === "true" ? "1" : undefined } });
    return respond(TemplateListSchema, { templates: list.rows, truncated: list.truncated, totals: list.totals, categories: list.categories });
  },
  { permission: "template:edit" },
);

export const POST = apiRoute(
  async ({ request, identity }) => {
    const name = await createTemplateFrom(identity, parseInput(TemplateCreateSchema, await readJsonObject(request, { maxBytes: MAX_TEMPLATE_BODY_BYTES })));
    return respond(TemplateSchema, templateResource(await getTemplateDetail(identity, { name })), 201, { Location: `/api/v1/templates/${name}` });
  },
  { permission: "template:edit" },
);
