"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { setUserDisabledAction } from "@/app/(staff)/admin/users/actions";
import { ConfirmButton } from "@/components/ui/dialog";
import { FormMessage } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";

/** Disable (after a confirmation: it signs the person out everywhere) or enable an account. */
export function UserStatus({ username, disabled, refusal }: { username: string; disabled: boolean; refusal?: string }) {
  const router = useRouter();
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
        <ConfirmButton
          label={pending ? "Disabling…" : "Disable account"}
          title={`Disable ${username}?`}
          confirm="Disable"
          pending={pending}
          onConfirm={() => change(true)}
          className="rounded-md border border-red-300 px-4 py-2 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-60 dark:border-red-800 dark:text-red-200 dark:hover:bg-red-950"
        >
          They are signed out at their next click, their API tokens and set-password links stop working, and they cannot sign in until the account is enabled again. Their
          environments keep running until they expire.
        </ConfirmButton>
      )}
      {message && <FormMessage ok={message.ok} message={message.text} />}
    </div>
  );
}
