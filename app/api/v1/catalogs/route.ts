import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { CatalogCreateSchema, CatalogListSchema, CatalogSchema } from "@/lib/api/schemas/catalog";
import { createCatalog } from "@/lib/services/catalogs/create-catalog";
import { listCatalogs } from "@/lib/services/catalogs/list-catalogs";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ identity }) => respond(CatalogListSchema, await listCatalogs(identity)), { permission: "catalog:manage" });

export const POST = apiRoute(
  async ({ request, identity }) => {
    const catalog = await createCatalog(identity, parseInput(CatalogCreateSchema, await readJsonObject(request)));
    return respond(CatalogSchema, catalog, 201, { Location: `/api/v1/catalogs/${catalog.slug}` });
  },
  { permission: "catalog:manage" },
);
