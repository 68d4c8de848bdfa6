"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { deleteCatalogAction } from "@/app/(staff)/teach/catalogs/actions";
import { ConfirmDialog } from "@/components/ui/dialog";

/** "Delete catalog" with a confirmation naming who loses it; a refusal is shown in the dialog. */
export function DeleteCatalogButton({ slug, title, audience }: { slug: string; title: string; audience: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const confirm = () =>
    start(async () => {
      const form = new FormData();
      form.set("slug", slug);
      const state = await deleteCatalogAction({ ok: false }, form);
      if (!state.ok) {
        setError(state.message ?? "The catalog could not be deleted.");
        return;
      }
      dialog.current?.close();
      // Leaving on purpose: the editor's unsaved-changes warning must not ask.
      window.dispatchEvent(new Event("envdeck:leave"));
      router.push(`/teach/catalogs?done=deleted:${slug}`);
    });
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setError(null);
          dialog.current?.showModal();
        }}
        className="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
      >
        Delete catalog
      </button>
      <ConfirmDialog
        ref={dialog}
        title={`Delete ${title}?`}
        confirm={pending ? "Deleting…" : "Delete catalog"}
        disabled={pending}
        error={error}
        onConfirm={confirm}
        keepOpen
      >
        {audience.startsWith("nobody") ? "Nobody sees it now." : `It disappears at once from the catalog of ${audience}.`} Their running environments are not touched.
      </ConfirmDialog>
    </>
  );
}
