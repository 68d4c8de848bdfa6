"use client";

import { useId, useRef, type ReactNode, type RefObject } from "react";
import { FormMessage } from "./form";

/*
 * Every "are you sure?" in the portal is this one native modal <dialog>, opened with showModal(). Its contract:
 * focus moves into it, onto Cancel, so a stray Enter never confirms; Escape and Cancel close it without acting;
 * the browser hands focus back to whatever opened it; the title labels it, so it is announced, and found by
 * tests, as its question ("Delete Lab week 3?").
 */

const openerClass = {
  danger: "rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-60 dark:border-red-800 dark:text-red-200 dark:hover:bg-red-950",
  plain: "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800",
} as const;

const confirmClass = {
  danger: "bg-red-700 hover:bg-red-800",
  plain: "bg-brand-600 hover:bg-brand-700",
} as const;

export type ConfirmTone = keyof typeof confirmClass;

export interface ConfirmDialogProps {
  /** The dialog element: the opener calls showModal() on it. */
  ref: RefObject<HTMLDialogElement | null>;
  title: ReactNode;
  /** What confirming does, under the title. */
  children?: ReactNode;
  /** The confirm button's text; without it there is only Cancel (the body says why nothing can be done). */
  confirm?: ReactNode;
  /** Danger confirms in red, plain in the brand colour. */
  tone?: ConfirmTone;
  /** Confirming is not possible now: under way, or nothing to do. */
  disabled?: boolean;
  /** Why the last attempt failed, shown in the dialog. */
  error?: string | null;
  onConfirm?: () => void;
  /** Stay open on confirm, for an action that reports its failure here and closes the dialog itself when it succeeds. */
  keepOpen?: boolean;
  /** The id of a form in the body that confirming submits, instead of calling onConfirm. */
  form?: string;
  /** Room for a table. */
  wide?: boolean;
}

/** The confirmation dialog; open it with `ref.current.showModal()`. */
export function ConfirmDialog({ ref, title, children, confirm, tone = "danger", disabled, error, onConfirm, keepOpen = false, form, wide = false }: ConfirmDialogProps) {
  const titleId = useId();
  const close = () => ref.current?.close();
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      className={`m-auto ${wide ? "w-[min(40rem,calc(100vw-2rem))]" : "w-[min(30rem,calc(100vw-2rem))]"} rounded-xl border border-slate-200 bg-white p-5 text-left whitespace-normal text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100`}
    >
      <h2 id={titleId} className="text-lg font-semibold wrap-anywhere">
        {title}
      </h2>
      {children && <div className="mt-2 space-y-2 text-sm text-slate-700 dark:text-slate-300">{children}</div>}
      {error && (
        <div className="mt-3">
          <FormMessage ok={false} message={error} />
        </div>
      )}
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <button type="button" autoFocus onClick={close} className="rounded-md border border-slate-300 px-4 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800">
          Cancel
        </button>
        {confirm && (
          <button
            type={form ? "submit" : "button"}
            form={form}
            disabled={disabled}
            onClick={
              form
                ? undefined
                : () => {
                    if (!keepOpen) close();
                    onConfirm?.();
                  }
            }
            className={`rounded-md px-4 py-1.5 text-sm font-medium text-white disabled:opacity-60 ${confirmClass[tone]}`}
          >
            {confirm}
          </button>
        )}
      </div>
    </dialog>
  );
}

/**
 * A button that asks first: it opens a ConfirmDialog, which (unless `keepOpen`) closes and calls onConfirm
 * when confirmed.
 * `confirm` names the action in the dialog ("Remove ana"); `className` replaces the opener's look where it
 * should not be the tone's small button.
 */
export function ConfirmButton({
  label,
  pending,
  className,
  tone = "danger",
  ...dialog
}: Omit<ConfirmDialogProps, "ref"> & { label: ReactNode; pending?: boolean; className?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button type="button" disabled={pending} onClick={() => ref.current?.showModal()} className={className ?? openerClass[tone]}>
        {label}
      </button>
      <ConfirmDialog ref={ref} tone={tone} {...dialog} />
    </>
  );
}
