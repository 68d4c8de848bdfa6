"use client";

import Link from "@/components/ui/link";
import { useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import { createUserAction } from "@/app/(staff)/admin/users/actions";
import { FieldError, fieldsetClass, helpClass, invalidProps, type Errors } from "@/components/templates/settings-fields";
import { FormMessage, inputClass } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import { newAccountSchema, type Credential, type CredentialDelivery } from "@/lib/domain/accounts";
import { USERNAME_MAX } from "@/lib/domain/credentials";
import { z } from "zod";
import { AccountFields, accountFieldId, accountInputOf, type AccountFormState } from "./account-fields";
import { CredentialCard } from "./credential-card";
import { DeliveryChoice } from "./delivery-choice";

const EMPTY: AccountFormState = { displayName: "", email: "", groups: "", teacher: false, admin: false };

/**
 * A new local account: checked in the browser by the schema the server checks with, errors beside their
 * fields, what was typed kept when the server refuses. The password or link is shown once, after.
 */
export function NewUserForm() {
  const [username, setUsername] = useState("");
  const [form, setForm] = useState(EMPTY);
  const [delivery, setDelivery] = useState<CredentialDelivery>("password");
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [created, setCreated] = useState<{ username: string; credential: Credential } | null>(null);
  const [saving, startSaving] = useTransition();
  const [focusErrors, setFocusErrors] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (focusErrors > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusErrors]);

  const set = <K extends keyof AccountFormState>(key: K, value: AccountFormState[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setErrors(({ [key === "teacher" || key === "admin" ? "roles" : key]: _, ...rest }) => rest);
  };
  const refuse = (fieldErrors: Errors, text: string) => {
    setErrors(fieldErrors);
    setMessage(text);
    setFocusErrors((n) => n + 1);
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = { ...accountInputOf(form), username, delivery };
    const parsed = newAccountSchema.safeParse(input);
    if (!parsed.success) return refuse(z.flattenError(parsed.error).fieldErrors as Errors, "Please correct the highlighted fields.");
    setMessage(null);
    startSaving(async () => {
      const data = new FormData();
      for (const [key, value] of Object.entries(input)) data.set(key, Array.isArray(value) ? value.join(",") : value);
      const state = (await createUserAction({ ok: false }, data)) as ActionState<{ username: string; credential: Credential }>;
      if (state.ok && state.result) {
        setCreated(state.result);
        return;
      }
      refuse(state.fieldErrors ?? {}, state.message ?? "The account could not be created.");
    });
  }

  if (created) {
    return (
      <div className="space-y-4">
        <FormMessage ok message={`Created ${created.username}.`} />
        <CredentialCard username={created.username} credential={created.credential} />
        <p className="flex flex-wrap gap-3 text-sm">
          <Link href={`/admin/users/account/${encodeURIComponent(created.username)}`} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
            Open the account
          </Link>
          <button
            type="button"
            onClick={() => {
              setCreated(null);
              setUsername("");
              setForm(EMPTY);
            }}
            className="rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
          >
            Create another
          </button>
        </p>
      </div>
    );
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="New account" className="space-y-6">
      <fieldset className={fieldsetClass}>
        <legend className="text-base font-semibold">Account</legend>
        <div>
          <label htmlFor={accountFieldId("username")} className="block text-sm font-medium">
            Username
          </label>
          <input
            id={accountFieldId("username")}
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
              setErrors(({ username: _, ...rest }) => rest);
            }}
            maxLength={USERNAME_MAX + 20}
            autoComplete="off"
            spellCheck={false}
            {...invalidProps(errors, "username", `${accountFieldId("username")}-help`)}
            className={`${inputClass} font-mono`}
          />
          <span id={`${accountFieldId("username")}-help`} className={helpClass}>
            What the person signs in with: lowercase letters, digits, &apos;.&apos;, &apos;-&apos; and &apos;_&apos;, at most {USERNAME_MAX}.
          </span>
          <FieldError errors={errors} path="username" />
        </div>
        <AccountFields form={form} set={set} errors={errors} />
      </fieldset>
      <fieldset className={fieldsetClass}>
        <legend className="text-base font-semibold">Password</legend>
        <DeliveryChoice name="delivery" value={delivery} onChange={setDelivery} />
        <FieldError errors={errors} path="delivery" />
      </fieldset>
      <div className="space-y-3">
        {message && <FormMessage ok={false} message={message} />}
        <button type="submit" disabled={saving} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {saving ? "Creating…" : "Create account"}
        </button>
      </div>
    </form>
  );
}
