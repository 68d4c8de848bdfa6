import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { ClassTemplateCreateSchema, ClassTemplateListSchema, ClassTemplateSchema } from "@/lib/api/schemas/class-template";
import { createClassTemplate } from "@/lib/services/class-templates/create-class-template";
import { listClassTemplates } from "@/lib/services/class-templates/list-class-templates";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ identity }) => respond(ClassTemplateListSchema, { classTemplates: await listClassTemplates(identity) }), { permission: "class-template:manage" });

export const POST = apiRoute(
  async ({ request, identity }) => {
    const created = await createClassTemplate(identity, parseInput(ClassTemplateCreateSchema, await readJsonObject(request)));
    return respond(ClassTemplateSchema, created, 201, { Location: `/api/v1/class-templates/${created.name}` });
  },
  { permission: "class-template:manage" },
);
