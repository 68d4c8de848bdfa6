import { apiRoute, noContent, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { CatalogChangeResultSchema, CatalogCreateSchema, CatalogPatchSchema, CatalogSchema } from "@/lib/api/schemas/catalog";
import { deleteCatalog } from "@/lib/services/catalogs/delete-catalog";
import { getCatalog } from "@/lib/services/catalogs/get-catalog";
import { updateCatalog } from "@/lib/services/catalogs/update-catalog";

export const dynamic = "force-dynamic";

type Params = { slug: string };
const manage = { permission: "catalog:manage" } as const;

export const GET = apiRoute<Params>(async ({ params, identity }) => respond(CatalogSchema, await getCatalog(identity, { slug: params.slug })), manage);

export const PUT = apiRoute<Params>(async ({ request, params, identity }) => {
  const body = parseInput(CatalogCreateSchema, await readJsonObject(request));
  return respond(CatalogChangeResultSchema, await updateCatalog(identity, { slug: params.slug, mode: "replace", body }));
}, manage);

export const PATCH = apiRoute<Params>(async ({ request, params, identity }) => {
  const body = parseInput(CatalogPatchSchema, await readJsonObject(request));
  return respond(CatalogChangeResultSchema, await updateCatalog(identity, { slug: params.slug, mode: "patch", body }));
}, manage);

export const DELETE = apiRoute<Params>(async ({ params, identity }) => {
  await deleteCatalog(identity, { slug: params.slug });
  return noContent();
}, manage);
