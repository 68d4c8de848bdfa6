import { apiRoute, parseInput, respond } from "@/lib/api/http";
import { TemplateVersionPathSchema, TemplateVersionSchema } from "@/lib/api/schemas/template";
import { getTemplateVersion } from "@/lib/services/templates/get-version";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ name: string; version: string }>(
  async ({ params, identity }) => {
    const { version } = parseInput(TemplateVersionPathSchema, { version: params.version });
    return respond(TemplateVersionSchema, await getTemplateVersion(identity, { name: params.name, version }));
  },
  { permission: "template:edit" },
);
