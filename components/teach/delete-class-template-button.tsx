"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { deleteClassTemplateAction } from "@/app/(staff)/teach/templates/actions";
import { ConfirmDialog } from "@/components/ui/dialog";

/** "Delete class template" with a confirmation saying what it does; a refusal is shown in the dialog. */
export function DeleteClassTemplateButton({ name, displayName, catalogs }: { name: string; displayName: string; catalogs: number }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const confirm = () =>
    start(async () => {
      const form = new FormData();
      form.set("name", name);
      const state = await deleteClassTemplateAction({ ok: false }, form);
      if (!state.ok) {
        setError(state.message ?? "The class template could not be deleted.");
        return;
      }
      dialog.current?.close();
      router.push(`/teach/templates?done=deleted:${name}`);
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
        Delete class template
      </button>
      <ConfirmDialog ref={dialog} title={`Delete ${displayName}?`} confirm={pending ? "Deleting…" : "Delete"} disabled={pending} error={error} onConfirm={confirm} keepOpen>
        {catalogs === 0 ? "No catalog lists it." : `It leaves ${catalogs === 1 ? "the catalog that lists" : `the ${catalogs} catalogs that list`} it at once, and nobody can launch it any more.`}{" "}
        Environments already running stay until they expire. Its name stays taken.
      </ConfirmDialog>
    </>
  );
}
