import { apiRoute, respond } from "@/lib/api/http";
import { TemplateVersionListSchema } from "@/lib/api/schemas/template";
import { listTemplateVersions } from "@/lib/services/templates/list-versions";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ name: string }>(
  async ({ params, identity }) => respond(TemplateVersionListSchema, { versions: await listTemplateVersions(identity, { name: params.name }) }),
  { permission: "template:edit" },
);
