"use client";

import { useState, useTransition } from "react";
import { resetPasswordAction } from "@/app/(staff)/admin/users/actions";
import { ConfirmButton } from "@/components/ui/dialog";
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
      <ConfirmButton
        label={pending ? "Resetting…" : "Reset password"}
        title={`Reset the password of ${username}?`}
        confirm="Reset password"
        pending={pending}
        onConfirm={reset}
        className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        Their current password stops working now.{" "}
        {delivery === "link" ? "They sign in again once they have set a new one with the link." : "They sign in with the one-time password shown next."}
      </ConfirmButton>
      {message && <FormMessage ok={false} message={message} />}
      {issued && <CredentialCard username={username} credential={issued} />}
    </div>
  );
}
