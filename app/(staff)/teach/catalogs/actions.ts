"use server";

import { z } from "zod";
import { catalogPreviewMarkup } from "@/components/student/catalog-markup";
import { withIdentity } from "@/lib/auth/actions";
import { AppError } from "@/lib/domain/errors";
import { createCatalog } from "@/lib/services/catalogs/create-catalog";
import { deleteCatalog } from "@/lib/services/catalogs/delete-catalog";
import { previewCatalog } from "@/lib/services/catalogs/preview-catalog";
import { updateCatalog } from "@/lib/services/catalogs/update-catalog";

// The editor sends the whole catalog as one JSON field: an ordered list with notes does not fit flat form
// fields. The use cases check every part of it; here it is only bounded and read.
const payload = z.string().max(256 * 1024, "The catalog is too large to save.");
const editing = z.string().max(63).default("");

function readPayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", "The catalog could not be read. Reload the page and try again.");
  }
}

export const saveCatalogAction = withIdentity(z.object({ editing, payload }), async (identity, input) => {
  const body = readPayload(input.payload);
  const saved = input.editing ? await updateCatalog(identity, { slug: input.editing, mode: "replace", body }) : await createCatalog(identity, body);
  return { slug: saved.slug };
});

export const previewCatalogAction = withIdentity(z.object({ editing, payload, audience: payload }), async (identity, input) => {
  const preview = await previewCatalog(identity, { editing: input.editing || null, draft: readPayload(input.payload), audience: readPayload(input.audience) });
  const empty = preview.catalog.catalogs.length === 0 && preview.catalog.groups.length === 0;
  return { audience: preview.audience, includesCatalog: preview.includesCatalog, empty, html: catalogPreviewMarkup(preview.catalog) };
});

export const deleteCatalogAction = withIdentity(z.object({ slug: z.string().max(63) }), (identity, input) => deleteCatalog(identity, input));
