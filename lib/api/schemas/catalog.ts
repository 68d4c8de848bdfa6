import { z } from "zod";
import { catalogInputSchema, catalogItemsInputSchema, catalogPatchSchema, MAX_CATALOG_ITEMS } from "@/lib/domain/catalog-rules";
import { requestSchema, responseSchema } from "./registry";

/**
 * Teachers' catalogs over the REST API (`/api/v1/catalogs…`): the resource as its owner (or an admin) reads it,
 * and the bodies that create it, change it and replace its ordered templates. The request schemas are the
 * editor's own rules (lib/domain/catalog-rules.ts), so the API refuses what the editor refuses, in the same
 * words; the use cases check them again along with what only the database knows.
 */

const classRef = z.object({
  slug: z.string().describe("The class's short name."),
  title: z.string(),
  archived: z.boolean().describe("An archived class's members no longer see the catalog."),
});

const item = z.object({
  template: z.string().describe("The template's name."),
  displayName: z.string(),
  note: z.string().describe("Shown to students under the template; empty for none."),
  hidden: z.boolean().describe("Not listed in the catalog: students reach it only through catalogs."),
  unavailable: z.boolean().describe("Base, deleted or invalid since it was added: students no longer see it, and a save must leave it out."),
});

const catalogShape = {
  slug: z.string().describe("The catalog's short name: its address."),
  title: z.string(),
  description: z.string(),
  owner: z.string().nullable().describe("The username of the teacher it belongs to; null when that account is gone."),
  classes: z.array(classRef).describe("The classes whose members see it, by title."),
  groups: z.array(z.string()).describe("Identity-provider groups whose members see it."),
  items: z.array(item).describe("The templates in the order students see them."),
  createdAt: z.date(),
  updatedAt: z.date(),
};

export const CatalogSchema = responseSchema("Catalog", z.object(catalogShape).describe("A teacher's ordered set of templates for classes or groups."));

export const CatalogListSchema = responseSchema("CatalogList", z.object({ catalogs: z.array(CatalogSchema).describe("By title: a teacher's own, or every one for an admin.") }));

export const CatalogChangeResultSchema = responseSchema(
  "CatalogChangeResult",
  z.object({
    ...catalogShape,
    changed: z.array(z.enum(["slug", "title", "description", "classes", "groups", "items"])).describe("What changed; empty when nothing did (and nothing was written)."),
  }),
);

export const CatalogCreateSchema = requestSchema(
  "CatalogCreate",
  catalogInputSchema.describe(
    `A whole catalog: a slug left out is made from the title. Classes must be ones the caller teaches (admins: any), templates ones they may use; at most ${MAX_CATALOG_ITEMS}, each once.`,
  ),
);

export const CatalogPatchSchema = requestSchema("CatalogPatch", catalogPatchSchema.describe("Some fields of a catalog: those left out stay as they are. classes, groups and items replace the whole list."));

export const CatalogItemsSchema = requestSchema("CatalogItems", catalogItemsInputSchema.describe("The ordered templates of a catalog, each with its note, replacing the list as a whole."));
