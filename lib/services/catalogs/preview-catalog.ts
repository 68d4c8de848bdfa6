import "server-only";
import { z } from "zod";
import { findCatalogRow, findClassForPreview } from "@/lib/db/catalogs";
import { db } from "@/lib/db/client";
import type { CatalogAudience } from "@/lib/db/templates";
import { catalogInputSchema, contentOfInput, MAX_CATALOG_GROUP } from "@/lib/domain/catalog-rules";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { readStudentCatalog } from "@/lib/services/catalog/internal/read-catalog";
import type { SharedCatalog } from "@/lib/services/catalog/list-catalog";
import { catalogNotFound, readCatalogInput, resolveCatalog, scopeOf } from "./internal/catalogs";

const audienceSchema = z.union([
  z.strictObject({ class: z.string().min(1).max(40) }),
  z.strictObject({ group: z.string().trim().min(1, { error: "Enter a group name." }).max(MAX_CATALOG_GROUP, { error: `At most ${MAX_CATALOG_GROUP} characters.` }) }),
]);

export interface CatalogPreview {
  /** "2B Networks" or "the group students-2b": whose view this is. */
  audience: string;
  /** Whether the catalog being edited is for this audience at all (and has a template they may see). */
  includesCatalog: boolean;
  catalog: SharedCatalog;
}

/**
 * What a member of one of the caller's classes (or of a group) would see in their catalog if the catalog being
 * edited were saved as `draft`: the student catalog of that audience with the draft in place of the saved
 * catalog `editing` (null for a new one). Saves nothing; the draft's templates and classes are checked as a
 * save checks them, so the preview never shows what the caller may not use.
 */
export async function previewCatalog(identity: Identity | null, input: { editing: string | null; draft: unknown; audience: unknown }): Promise<CatalogPreview> {
  assertCan(identity, "catalog:manage");
  const scope = scopeOf(identity);
  const draft = contentOfInput(readCatalogInput(catalogInputSchema, input.draft));
  const parsedAudience = audienceSchema.safeParse(input.audience);
  if (!parsedAudience.success) throw new AppError("INVALID_INPUT", "Choose a class or enter a group to preview as.", { audience: ["Choose a class or enter a group."] });
  const who = parsedAudience.data;

  if (input.editing !== null && !(await findCatalogRow(String(input.editing).slice(0, 63), { ownerId: scope.ownerId }))) throw catalogNotFound(String(input.editing));
  const resolved = await db().$transaction((tx) => resolveCatalog(tx, identity, draft, null, { checkSlug: false }));

  let audience: CatalogAudience;
  let label: string;
  let includes: boolean;
  if ("class" in who) {
    const found = await findClassForPreview(who.class, { userId: scope.userId });
    if (!found) throw new AppError("NOT_FOUND", "No such class of yours.", { audience: ["Choose one of your classes."] });
    audience = { groups: found.groups, classIds: [found.id] };
    label = found.title;
    includes = resolved.classIds.includes(found.id) || draft.groups.some((g) => found.groups.includes(g));
  } else {
    audience = { groups: [who.group], classIds: [] };
    label = `the group ${who.group}`;
    includes = draft.groups.includes(who.group);
  }
  const catalog = await readStudentCatalog(
    audience,
    { query: "", category: null },
    {
      replaces: input.editing,
      catalog: includes ? { slug: draft.slug || "(new)", title: draft.title, description: draft.description, templateIds: resolved.items.map((i) => i.templateId), notes: resolved.items.map((i) => i.note) } : null,
    },
  );
  return { audience: label, includesCatalog: includes && resolved.items.length > 0, catalog };
}
