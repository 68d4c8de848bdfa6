"use client";

import { useRef } from "react";

/**
 * "Delete" with a confirmation, in a native modal dialog: focus moves into it, Escape cancels, and focus
 * returns to the button that opened it.
 */
export function DeleteButton({ displayName, pending, onConfirm }: { displayName: string; pending: boolean; onConfirm: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button
        type="button"
        onClick={() => dialog.current?.showModal()}
        disabled={pending}
        className="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
      >
        {pending ? "Deleting…" : "Delete"}
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={`delete-title-${displayName}`}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <h2 id={`delete-title-${displayName}`} className="text-lg font-semibold">
          Delete {displayName}?
        </h2>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">Everything inside it is lost. This cannot be undone.</p>
        <form method="dialog" className="mt-5 flex justify-end gap-2">
          <button autoFocus className="rounded-md border border-slate-300 px-4 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800">
            Cancel
          </button>
          <button
            type="button"
            onClick={() => {
              dialog.current?.close();
              onConfirm();
            }}
            className="rounded-md bg-red-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-red-800"
          >
            Delete environment
          </button>
        </form>
      </dialog>
    </>
  );
}
