"use client";

import { useRef, useState, useTransition } from "react";
import { resetPasswordAction } from "@/app/(staff)/admin/users/actions";
import { FormMessage } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import type { Credential, CredentialDelivery } from "@/lib/domain/accounts";
import { CredentialCard } from "./credential-card";
import { DeliveryChoice } from "./delivery-choice";

/** A new one-time password or set-password link for a local account, after a confirmation: the old password stops working. */
export function ResetPassword({ username }: { username: string }) {
  const [delivery, setDelivery] = useState<CredentialDelivery>("link");
  const [issued, setIssued] = useState<Credential | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const dialog = useRef<HTMLDialogElement>(null);

  function reset() {
    setMessage(null);
    start(async () => {
      const data = new FormData();
      data.set("username", username);
      data.set("delivery", delivery);
      const state = (await resetPasswordAction({ ok: false }, data)) as ActionState<{ credential: Credential }>;
      if (state.ok && state.result) setIssued(state.result.credential);
      else setMessage(state.message ?? "The password could not be reset.");
    });
  }

  return (
    <div className="space-y-3">
      <DeliveryChoice name="reset-delivery" value={delivery} onChange={setDelivery} />
      <button
        type="button"
        disabled={pending}
        onClick={() => dialog.current?.showModal()}
        className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        {pending ? "Resetting…" : "Reset password"}
      </button>
      {message && <FormMessage ok={false} message={message} />}
      {issued && <CredentialCard username={username} credential={issued} />}
      <dialog
        ref={dialog}
        aria-labelledby="reset-title"
        className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <h2 id="reset-title" className="text-lg font-semibold">
          Reset the password of {username}?
        </h2>
        <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">
          Their current password stops working now.{" "}
          {delivery === "link" ? "They sign in again once they have set a new one with the link." : "They sign in with the one-time password shown next."}
        </p>
        <div className="mt-5 flex flex-wrap justify-end gap-2">
          <button type="button" autoFocus onClick={() => dialog.current?.close()} className="rounded-md border border-slate-300 px-4 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800">
            Cancel
          </button>
          <button
            type="button"
            onClick={() => {
              dialog.current?.close();
              reset();
            }}
            className="rounded-md bg-red-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-red-800"
          >
            Reset password
          </button>
        </div>
      </dialog>
    </div>
  );
}
