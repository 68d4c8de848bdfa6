"use client";

import Link from "@/components/ui/link";
import { useState, useTransition, type FormEvent } from "react";
import { setPasswordAction } from "@/app/signin/set-password/actions";
import { FormMessage } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import { MIN_PASSWORD, newPasswordSchema } from "@/lib/domain/accounts";
import { PASSWORD_MAX } from "@/lib/domain/credentials";

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-brand-500 dark:border-slate-700 dark:bg-slate-900";

/** Choosing a password with a set-password link; checked here by the rule the server applies. */
export function SetPasswordForm({ token, username }: { token: string; username: string }) {
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, start] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const password = String(data.get("password") ?? "");
    const problem = newPasswordSchema.safeParse(password);
    if (!problem.success) return setErrors({ password: [problem.error.issues[0]!.message] });
    if (password !== data.get("confirm")) return setErrors({ confirm: ["The two passwords differ."] });
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
  const error = (name: string) =>
    errors[name]?.length ? (
      <span id={`${name}-error`} className="mt-1 block text-xs text-red-700 dark:text-red-300">
        {errors[name]!.join(" ")}
      </span>
    ) : null;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Set your password">
      {/* The username helps password managers save the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
      <label className="block text-sm font-medium">
        New password
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX}
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={errors.password ? "password-help password-error" : "password-help"}
          className={inputClass}
        />
        <span id="password-help" className="mt-1 block text-xs font-normal text-slate-600 dark:text-slate-400">
          At least {MIN_PASSWORD} characters. A few unrelated words are easy to remember and hard to guess.
        </span>
        {error("password")}
      </label>
      <label className="block text-sm font-medium">
        The same password again
        <input name="confirm" type="password" autoComplete="new-password" maxLength={PASSWORD_MAX} aria-invalid={errors.confirm ? true : undefined} aria-describedby={errors.confirm ? "confirm-error" : undefined} className={inputClass} />
        {error("confirm")}
      </label>
      {message && <FormMessage ok={false} message={message} />}
      <button type="submit" disabled={pending} className="w-full rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Setting…" : "Set password"}
      </button>
    </form>
  );
}
