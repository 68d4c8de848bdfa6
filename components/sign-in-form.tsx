"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { credentialsSchema } from "@/lib/domain/credentials";
import { parseThrottleErrorCode, throttleMessage } from "@/lib/domain/sign-in-throttle";

interface Props {
  local: boolean;
  oidc: { id: string; name: string } | null;
  callbackUrl: string;
  initialError: string | null;
}

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-brand-500 dark:border-slate-700 dark:bg-slate-900";

export function SignInForm({ local, oidc, callbackUrl, initialError }: Props) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // The same rules the server applies; checked here first only to answer faster.
    const parsed = credentialsSchema.safeParse({ username: form.get("username"), password: form.get("password") });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Check your username and password.");
      return;
    }
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { ...parsed.data, redirect: false, callbackUrl });
    if (!result || result.error) {
      setPending(false);
      // A refusal says only "wrong username or password" or, after too many, how long to wait.
      const wait = parseThrottleErrorCode(result?.error);
      setError(wait === null ? "Incorrect username or password." : throttleMessage(wait));
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      {error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          {error}
        </p>
      )}
      {oidc && (
        <button
          type="button"
          onClick={() => void signIn(oidc.id, { callbackUrl })}
          className="w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700"
        >
          Sign in with {oidc.name}
        </button>
      )}
      {oidc && local && (
        <p className="flex items-center gap-3 text-xs uppercase tracking-wide text-slate-500">
          <span className="h-px flex-1 bg-slate-200 dark:bg-slate-800" /> or with a local account
          <span className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
        </p>
      )}
      {local && (
        <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Local account">
          <label className="block text-sm font-medium">
            Username
            <input name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required className={inputClass} />
          </label>
          <label className="block text-sm font-medium">
            Password
            <input name="password" type="password" autoComplete="current-password" required className={inputClass} />
          </label>
          <button
            type="submit"
            disabled={pending}
            className="w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
          >
            {pending ? "Signing in…" : "Sign in"}
          </button>
        </form>
      )}
    </div>
  );
}
