"use client";

import Link from "@/components/ui/link";
import { useState, useTransition, type FormEvent } from "react";
import { setPasswordAction } from "@/app/signin/set-password/actions";
import { FormMessage } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import { NewPasswordFields, newPasswordProblems } from "@/components/account/new-password-fields";

/** Choosing a password with a set-password link; checked here by the rule the server applies. */
export function SetPasswordForm({ token, username }: { token: string; username: string }) {
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, start] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const problems = newPasswordProblems(data);
    if (problems) return setErrors(problems);
    setErrors({});
    data.set("token", token);
    start(async () => {
      const state = (await setPasswordAction({ ok: false }, data)) as ActionState<{ username: string }>;
      if (state.ok) setDone(true);
      else {
        setErrors(state.fieldErrors ?? {});
        setMessage(state.message ?? "The password could not be set.");
      }
    });
  }

  if (done) {
    return (
      <div className="space-y-4">
        <FormMessage ok message={`Your password is set. Sign in as ${username}.`} />
        <Link href="/signin" className="inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Set your password">
      {/* The username helps password managers save the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
      <NewPasswordFields errors={errors} />
      {message && <FormMessage ok={false} message={message} />}
      <button type="submit" disabled={pending} className="w-full rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Setting…" : "Set password"}
      </button>
    </form>
  );
}
