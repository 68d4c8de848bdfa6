import { CatalogChangeResultSchema, CatalogCreateSchema, CatalogItemsSchema, CatalogListSchema, CatalogPatchSchema, CatalogSchema } from "./schemas/catalog";
import { error, returns, takes, teachersOnly, tooLarge, unauthenticated } from "./openapi-parts";

/**
 * The operations of `/api/v1/catalogs…` for the OpenAPI document (lib/api/openapi.ts), kept beside it so the
 * document's other operations stay as they are. Their schemas come from lib/api/schemas/catalog.ts.
 */

const notFound = error("No live catalog of the caller's with this slug (code NOT_FOUND): another teacher's catalog is reported as missing.");
const invalid = error("The body is invalid (code INVALID_INPUT); `fields` names each problem: a template the caller may not use, a class they do not teach, a template listed twice, more than 100.");
const slugTaken = error("The slug is taken by another catalog, a deleted one included (code CONFLICT, at `fields.slug`).");

const slugParameter = { name: "slug", in: "path", required: true, description: "The catalog's short name.", schema: { type: "string", minLength: 1, maxLength: 63 } };

export const catalogTag = { name: "catalogs", description: "Teachers' catalogs: ordered templates with notes for their classes or groups (teachers: their own; admins: all)." };

export const catalogPaths = {
  "/api/v1/catalogs": {
    get: {
      tags: ["catalogs"],
      operationId: "listCatalogs",
      summary: "List my catalogs (admins: every catalog)",
      responses: { "200": returns("By title.", CatalogListSchema), "401": unauthenticated, "403": teachersOnly },
    },
    post: {
      tags: ["catalogs"],
      operationId: "createCatalog",
      summary: "Create a catalog",
      description: "Owned by the caller. Checked as the editor checks it, saved with its audit entry in one transaction.",
      requestBody: takes(CatalogCreateSchema),
      responses: {
        "201": { ...returns("The new catalog.", CatalogSchema), headers: { Location: { description: "The catalog under /api/v1/catalogs.", schema: { type: "string" } } } },
        "400": invalid,
        "401": unauthenticated,
        "403": teachersOnly,
        "409": slugTaken,
        "413": tooLarge,
      },
    },
  },
  "/api/v1/catalogs/{slug}": {
    parameters: [slugParameter],
    get: {
      tags: ["catalogs"],
      operationId: "getCatalog",
      summary: "One of my catalogs",
      responses: { "200": returns("The catalog.", CatalogSchema), "401": unauthenticated, "403": teachersOnly, "404": notFound },
    },
    put: {
      tags: ["catalogs"],
      operationId: "replaceCatalog",
      summary: "Replace one of my catalogs: every field, its audience and its ordered templates",
      description: "A slug left out keeps the catalog's. Nothing is written (and `changed` is empty) when nothing changed.",
      requestBody: takes(CatalogCreateSchema),
      responses: { "200": returns("The catalog now, and what changed.", CatalogChangeResultSchema), "400": invalid, "401": unauthenticated, "403": teachersOnly, "404": notFound, "409": slugTaken, "413": tooLarge },
    },
    patch: {
      tags: ["catalogs"],
      operationId: "patchCatalog",
      summary: "Change some fields of one of my catalogs",
      requestBody: takes(CatalogPatchSchema),
      responses: { "200": returns("The catalog now, and what changed.", CatalogChangeResultSchema), "400": invalid, "401": unauthenticated, "403": teachersOnly, "404": notFound, "409": slugTaken, "413": tooLarge },
    },
    delete: {
      tags: ["catalogs"],
      operationId: "deleteCatalog",
      summary: "Delete one of my catalogs",
      description: "Its audience stops seeing it at once. The slug stays taken.",
      responses: { "204": { description: "Deleted." }, "401": unauthenticated, "403": teachersOnly, "404": notFound },
    },
  },
  "/api/v1/catalogs/{slug}/items": {
    parameters: [slugParameter],
    put: {
      tags: ["catalogs"],
      operationId: "setCatalogItems",
      summary: "Replace the ordered templates of one of my catalogs, with their notes",
      description: "A reorder, an addition or a removal is one list, saved in one transaction.",
      requestBody: takes(CatalogItemsSchema),
      responses: { "200": returns("The catalog now, and what changed.", CatalogChangeResultSchema), "400": invalid, "401": unauthenticated, "403": teachersOnly, "404": notFound, "413": tooLarge },
    },
  },
};
