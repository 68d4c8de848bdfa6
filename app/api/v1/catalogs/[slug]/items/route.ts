import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { CatalogChangeResultSchema, CatalogItemsSchema } from "@/lib/api/schemas/catalog";
import { setCatalogItems } from "@/lib/services/catalogs/set-catalog-items";

export const dynamic = "force-dynamic";

/** The ordered templates with their notes, replaced as a whole: a reorder is one request. */
export const PUT = apiRoute<{ slug: string }>(
  async ({ request, params, identity }) => {
    const body = parseInput(CatalogItemsSchema, await readJsonObject(request));
    return respond(CatalogChangeResultSchema, await setCatalogItems(identity, { slug: params.slug, body }));
  },
  { permission: "catalog:manage" },
);
