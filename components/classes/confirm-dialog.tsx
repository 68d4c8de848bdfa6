"use client";

import { useRef, type ReactNode } from "react";

const buttonClass = {
  danger: "rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-60 dark:border-red-800 dark:text-red-200 dark:hover:bg-red-950",
  plain: "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800",
} as const;

/**
 * A button that asks first, in a native modal dialog: focus moves into it (on Cancel), Escape cancels, and
 * focus returns to the button. `confirm` names the action in the dialog ("Remove ana").
 */
export function ConfirmButton({
  label,
  title,
  confirm,
  tone = "danger",
  pending,
  onConfirm,
  children,
}: {
  label: ReactNode;
  title: string;
  confirm: string;
  tone?: keyof typeof buttonClass;
  pending?: boolean;
  onConfirm: () => void;
  children?: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button type="button" disabled={pending} onClick={() => dialog.current?.showModal()} className={buttonClass[tone]}>
        {label}
      </button>
      <dialog
        ref={dialog}
        aria-label={title}
        className="m-auto w-[min(30rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-5 text-left text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <h2 className="text-lg font-semibold">{title}</h2>
        {children && <div className="mt-2 space-y-2 text-sm text-slate-700 dark:text-slate-300">{children}</div>}
        <div className="mt-5 flex flex-wrap justify-end gap-2">
          <button type="button" autoFocus onClick={() => dialog.current?.close()} className="rounded-md border border-slate-300 px-4 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800">
            Cancel
          </button>
          <button
            type="button"
            onClick={() => {
              dialog.current?.close();
              onConfirm();
            }}
            className={tone === "danger" ? "rounded-md bg-red-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-red-800" : "rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700"}
          >
            {confirm}
          </button>
        </div>
      </dialog>
    </>
  );
}
