"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type ReactNode } from "react";
import { ConfirmDialog } from "@/components/ui/dialog";
import type { ActionState } from "@/lib/auth/actions";

/**
 * A delete behind a confirmation that says what it does; once done it leaves for `doneHref`, and a refusal
 * is shown in the dialog, which stays open.
 */
export function DeleteAndLeave<T>({
  label,
  title,
  confirm,
  action,
  fields,
  failure,
  doneHref,
  children,
}: {
  /** The opener's text ("Delete catalog"). */
  label: string;
  title: string;
  /** The confirming button's text. */
  confirm: string;
  action: (previous: ActionState<T>, form: FormData) => Promise<ActionState<T>>;
  /** What the action's form carries (the object's name). */
  fields: Record<string, string>;
  /** Shown when the action refuses without saying why. */
  failure: string;
  doneHref: string;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const onConfirm = () =>
    start(async () => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      const state = await action({ ok: false }, form);
      if (!state.ok) {
        setError(state.message ?? failure);
        return;
      }
      dialog.current?.close();
      // Leaving on purpose: an editor's unsaved-changes warning must not ask.
      window.dispatchEvent(new Event("envdeck:leave"));
      router.push(doneHref);
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
        {label}
      </button>
      <ConfirmDialog ref={dialog} title={title} confirm={pending ? "Deleting…" : confirm} disabled={pending} error={error} onConfirm={onConfirm} keepOpen>
        {children}
      </ConfirmDialog>
    </>
  );
}
