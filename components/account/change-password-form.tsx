"use client";

import { useRef, useState, useTransition, type FormEvent } from "react";
import { changePasswordAction } from "@/app/(student)/account/password/actions";
import { NewPasswordFields, newPasswordProblems, PasswordField } from "@/components/account/new-password-fields";
import { FormMessage } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";

/**
 * Changing one's own password: the current one, then the new one twice, checked here by the rule the server
 * applies. Done, it goes on to `next` with a full page load, so the header shows what the account may do now.
 */
export function ChangePasswordForm({ username, next }: { username: string; next: string | null }) {
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const form = useRef<HTMLFormElement>(null);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const problems = data.get("current") ? newPasswordProblems(data) : { current: ["Enter your current password."] };
    setMessage(null);
    if (problems) return setErrors(problems);
    setErrors({});
    start(async () => {
      const state = (await changePasswordAction({ ok: false }, data)) as ActionState<{ username: string }>;
      if (state.ok) {
        form.current?.reset();
        if (next) window.location.assign(next);
        else setMessage({ ok: true, text: "Your password is changed. Use it the next time you sign in." });
      } else {
        setErrors(state.fieldErrors ?? {});
        setMessage({ ok: false, text: state.message ?? "The password could not be changed." });
      }
    });
  }

  return (
    <form ref={form} onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Change your password">
      {/* The username helps password managers save the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
      <PasswordField name="current" label="Current password" autoComplete="current-password" errors={errors} />
      <NewPasswordFields errors={errors} />
      {message && <FormMessage ok={message.ok} message={message.text} />}
      <button type="submit" disabled={pending} className="w-full rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
