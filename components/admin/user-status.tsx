"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { setUserDisabledAction } from "@/app/(staff)/admin/users/actions";
import { FormMessage } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";

/** Disable (after a confirmation: it signs the person out everywhere) or enable an account. */
export function UserStatus({ username, disabled, refusal }: { username: string; disabled: boolean; refusal?: string }) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();

  function change(disable: boolean) {
    setMessage(null);
    start(async () => {
      const data = new FormData();
      data.set("username", username);
      data.set("disabled", String(disable));
      const state = (await setUserDisabledAction({ ok: false }, data)) as ActionState<{ changed: boolean }>;
      if (state.ok) {
        setMessage({ ok: true, text: disable ? `Disabled ${username}: they are signed out and cannot sign in.` : `Enabled ${username}: they can sign in again.` });
        router.refresh();
      } else setMessage({ ok: false, text: state.message ?? "The account could not be changed." });
    });
  }

  return (
    <div className="space-y-3">
      {disabled ? (
        <button type="button" disabled={pending} onClick={() => change(false)} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Enabling…" : "Enable account"}
        </button>
      ) : refusal ? (
        <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="disable-refused">
          {refusal}
        </p>
      ) : (
        <button
          type="button"
          disabled={pending}
          onClick={() => dialog.current?.showModal()}
          className="rounded-md border border-red-300 px-4 py-2 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-60 dark:border-red-800 dark:text-red-200 dark:hover:bg-red-950"
        >
          {pending ? "Disabling…" : "Disable account"}
        </button>
      )}
      {message && <FormMessage ok={message.ok} message={message.text} />}
      <dialog
        ref={dialog}
        aria-labelledby="disable-title"
        className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <h2 id="disable-title" className="text-lg font-semibold">
          Disable {username}?
        </h2>
        <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">
          They are signed out at their next click, their API tokens and set-password links stop working, and they cannot sign in until the account is enabled again. Their
          environments keep running until they expire.
        </p>
        <div className="mt-5 flex flex-wrap justify-end gap-2">
          <button type="button" autoFocus onClick={() => dialog.current?.close()} className="rounded-md border border-slate-300 px-4 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800">
            Cancel
          </button>
          <button
            type="button"
            onClick={() => {
              dialog.current?.close();
              change(true);
            }}
            className="rounded-md bg-red-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-red-800"
          >
            Disable
          </button>
        </div>
      </dialog>
    </div>
  );
}
