"use client";

import { deleteCatalogAction } from "@/app/(staff)/teach/catalogs/actions";
import { DeleteAndLeave } from "./delete-and-leave";

/** "Delete catalog" with a confirmation naming who loses it; a refusal is shown in the dialog. */
export function DeleteCatalogButton({ slug, title, audience }: { slug: string; title: string; audience: string }) {
  return (
    <DeleteAndLeave
      label="Delete catalog"
      title={`Delete ${title}?`}
      confirm="Delete catalog"
      action={deleteCatalogAction}
      fields={{ slug }}
      failure="The catalog could not be deleted."
      doneHref={`/teach/catalogs?done=deleted:${slug}`}
    >
      {audience.startsWith("nobody") ? "Nobody sees it now." : `It disappears at once from the catalog of ${audience}.`} Their running environments are not touched.
    </DeleteAndLeave>
  );
}
