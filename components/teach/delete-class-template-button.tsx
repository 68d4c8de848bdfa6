"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { deleteClassTemplateAction } from "@/app/(staff)/teach/templates/actions";

/**
 * "Delete class template" with a confirmation saying what it does, in a native modal dialog: focus moves into
 * it, Escape cancels, and focus returns to the button that opened it.
 */
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
      <dialog
        ref={dialog}
        aria-labelledby="delete-class-template-title"
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <h2 id="delete-class-template-title" className="text-lg font-semibold [overflow-wrap:anywhere]">
          Delete {displayName}?
        </h2>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
          {catalogs === 0 ? "No catalog lists it." : `It leaves ${catalogs === 1 ? "the catalog that lists" : `the ${catalogs} catalogs that list`} it at once, and nobody can launch it any more.`}{" "}
          Environments already running stay until they expire. Its name stays taken.
        </p>
        {error && (
          <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-300">
            {error}
          </p>
        )}
        <form method="dialog" className="mt-5 flex justify-end gap-2">
          <button autoFocus className="rounded-md border border-slate-300 px-4 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800">
            Cancel
          </button>
          <button type="button" onClick={confirm} disabled={pending} className="rounded-md bg-red-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60">
            {pending ? "Deleting…" : "Delete"}
          </button>
        </form>
      </dialog>
    </>
  );
}
