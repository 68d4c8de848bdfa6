"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import { z } from "zod";
import { updateUserAction } from "@/app/(staff)/admin/users/actions";
import type { Errors } from "@/components/templates/settings-fields";
import { FormMessage } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import { accountFieldsSchema, SELF_ADMIN_MESSAGE } from "@/lib/domain/accounts";
import type { UserDetail } from "@/lib/services/accounts/get-user";
import { AccountFields, accountInputOf, type AccountFormState } from "./account-fields";

const WORDS = { displayName: "display name", email: "email", groups: "groups", roles: "roles" } as const;

function stateOf(user: UserDetail): AccountFormState {
  return { displayName: user.displayName ?? "", email: user.email ?? "", groups: user.groups.join(", "), teacher: user.roles.includes("teacher"), admin: user.roles.includes("admin") };
}

/** A local account's display name, email, groups and roles; an admin's own admin role stays as it is. */
export function UserEditForm({ user }: { user: UserDetail }) {
  const router = useRouter();
  const [form, setForm] = useState(() => stateOf(user));
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
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
    setMessage({ ok: false, text });
    setFocusErrors((n) => n + 1);
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = accountInputOf(form);
    const parsed = accountFieldsSchema.safeParse(input);
    if (!parsed.success) return refuse(z.flattenError(parsed.error).fieldErrors as Errors, "Please correct the highlighted fields.");
    setMessage(null);
    startSaving(async () => {
      const data = new FormData();
      data.set("username", user.username);
      for (const [key, value] of Object.entries(input)) data.set(key, Array.isArray(value) ? value.join(",") : value);
      const state = (await updateUserAction({ ok: false }, data)) as ActionState<{ changed: (keyof typeof WORDS)[] }>;
      if (state.ok && state.result) {
        setErrors({});
        const { changed } = state.result;
        setMessage({ ok: true, text: changed.length === 0 ? "Nothing changed." : `Saved: ${changed.map((c) => WORDS[c]).join(", ")}.` });
        if (changed.length > 0) router.refresh();
        return;
      }
      refuse(state.fieldErrors ?? {}, state.message ?? "The account could not be saved.");
    });
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Account details" className="space-y-4">
      <AccountFields form={form} set={set} errors={errors} lockAdmin={user.isSelf && user.roles.includes("admin") ? SELF_ADMIN_MESSAGE : undefined} />
      {message && <FormMessage ok={message.ok} message={message.text} />}
      <button type="submit" disabled={saving} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {saving ? "Saving…" : "Save changes"}
      </button>
    </form>
  );
}
