"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect } from "react";
import { restoreTemplateAction } from "@/app/(staff)/admin/templates/actions";
import type { ActionState } from "@/lib/auth/actions";

/** Restores a deleted template from the list's Deleted view; a refusal is said next to the button. */
export function RestoreTemplateButton({ name, displayName }: { name: string; displayName: string }) {
  const router = useRouter();
  const [state, action, pending] = useActionState<ActionState<{ name: string }>, FormData>(restoreTemplateAction, { ok: true });
  useEffect(() => {
    if (state.ok && state.result) router.push(`/admin/templates?done=restored:${state.result.name}`);
  }, [state, router]);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(() => action(new FormData(event.currentTarget)));
      }}
    >
      <input type="hidden" name="name" value={name} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`Restore ${displayName}`}
        className="rounded-md border border-slate-300 px-3 py-1 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-600 dark:hover:bg-slate-800"
      >
        {pending ? "Restoring…" : "Restore"}
      </button>
      {!state.ok && state.message && (
        <p role="alert" className="mt-1 max-w-xs text-xs text-red-700 dark:text-red-300">
          {state.message}
        </p>
      )}
    </form>
  );
}
