"use client";

import { useActionState } from "react";
import { rollbackAction } from "@/app/(staff)/admin/templates/[name]/actions";
import type { ActionState } from "@/lib/auth/actions";
import type { SaveResult } from "@/lib/services/templates/save-spec";

export function RollbackButton({ name, version }: { name: string; version: number }) {
  const [state, action, pending] = useActionState<ActionState<SaveResult>, FormData>(rollbackAction, { ok: true });
  return (
    <form
      action={action}
      onSubmit={(event) => {
        if (!window.confirm(`Create a new version equal to version ${version}?`)) event.preventDefault();
      }}
    >
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="version" value={version} />
      <button type="submit" disabled={pending} className="rounded px-2 py-1 text-xs font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-60 dark:text-brand-100 dark:hover:bg-slate-800">
        {pending ? "Rolling back…" : `Roll back to v${version}`}
      </button>
      {!state.ok && state.message && (
        <span role="alert" className="block text-xs text-red-700 dark:text-red-300">
          {state.message}
        </span>
      )}
    </form>
  );
}
