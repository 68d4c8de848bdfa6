import { apiRoute, MAX_TEMPLATE_BODY_BYTES, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { SpecSaveResultSchema, TemplateSpecSchema, TemplateSpecUpdateSchema } from "@/lib/api/schemas/template";
import { getTemplateDetail } from "@/lib/services/templates/get-detail";
import { saveTemplateSpec } from "@/lib/services/templates/save-spec";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ name: string }>(
  async ({ params, identity }) => {
    const { version, spec } = await getTemplateDetail(identity, { name: params.name });
    return respond(TemplateSpecSchema, { version, spec });
  },
  { permission: "template:edit" },
);

/** A new version, validated in full; an unchanged spec makes none. */
export const PUT = apiRoute<{ name: string }>(
  async ({ request, params, identity }) => {
    const { spec, message } = parseInput(TemplateSpecUpdateSchema, await readJsonObject(request, { maxBytes: MAX_TEMPLATE_BODY_BYTES }));
    return respond(SpecSaveResultSchema, await saveTemplateSpec(identity, { name: params.name, spec, message }));
  },
  { permission: "template:edit" },
);
