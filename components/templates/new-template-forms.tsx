"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useState } from "react";
import { createTemplateAction, duplicateTemplateAction } from "@/app/(staff)/admin/templates/actions";
import { errorsFor, Field, FormMessage, inputClass } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";

type Created = ActionState<{ name: string }>;

export const NAME_HELP = "Lowercase letters, digits and dashes, at most 40 characters. It is part of URLs and environment names, and cannot change later.";
const buttonClass = "rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60";

/** Opens the new template's page once an action created it. */
function useOpenCreated(state: Created) {
  const router = useRouter();
  useEffect(() => {
    if (state.ok && state.result) router.push(`/admin/templates/${state.result.name}`);
  }, [state, router]);
}

/**
 * Submits by hand rather than through `action`, so a refused form keeps what the admin typed (React resets
 * forms after an action).
 */
function submitWith(action: (data: FormData) => void) {
  return (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => action(data));
  };
}

function NameFields({ errors, displayNamePlaceholder, displayNameRequired }: { errors?: Record<string, string[]>; displayNamePlaceholder?: string; displayNameRequired: boolean }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label="Name" help={NAME_HELP} errors={errorsFor(errors, "name")}>
        <input name="name" required maxLength={40} autoComplete="off" spellCheck={false} className={`${inputClass} font-mono`} />
      </Field>
      <Field label="Display name" help="What the catalog shows." errors={errorsFor(errors, "displayName")}>
        <input name="displayName" required={displayNameRequired} maxLength={100} placeholder={displayNamePlaceholder} className={inputClass} />
      </Field>
    </div>
  );
}

export interface StarterChoice {
  id: string;
  title: string;
  summary: string;
}

/** A new template from a starter, the blank one included. */
export function StarterForm({ starters, initial }: { starters: StarterChoice[]; initial: string }) {
  const [state, action, pending] = useActionState<Created, FormData>(createTemplateAction, { ok: true });
  const [chosen, setChosen] = useState(starters.some((s) => s.id === initial) ? initial : starters[0]!.id);
  useOpenCreated(state);
  return (
    <form onSubmit={submitWith(action)} aria-label="Create from a starter" className="space-y-5">
      <FormMessage ok={state.ok} message={state.message} />
      <fieldset>
        <legend className="text-sm font-medium">Start from</legend>
        <div className="mt-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {starters.map((starter) => (
            <label
              key={starter.id}
              className={`flex cursor-pointer gap-3 rounded-lg border p-3 text-sm ${chosen === starter.id ? "border-brand-600 bg-brand-50 dark:border-brand-100 dark:bg-slate-900" : "border-slate-200 dark:border-slate-700"}`}
            >
              <input type="radio" name="starter" value={starter.id} checked={chosen === starter.id} onChange={() => setChosen(starter.id)} className="mt-1" />
              <span>
                <span className="block font-medium">{starter.title}</span>
                <span className="mt-0.5 block text-slate-600 dark:text-slate-300">{starter.summary}</span>
              </span>
            </label>
          ))}
        </div>
        {errorsFor(state.fieldErrors, "starter")?.map((e) => (
          <p key={e} className="mt-1 text-xs text-red-700 dark:text-red-300">
            {e}
          </p>
        ))}
      </fieldset>
      <NameFields errors={state.fieldErrors} displayNameRequired />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="isBase" aria-describedby="new-template-base-help" className="mt-1" />
        <span>
          <span className="font-medium">A base template</span>
          <span id="new-template-base-help" className="block text-slate-600 dark:text-slate-300">
            Never listed or launched: other templates extend it to share its chart and values.
          </span>
        </span>
      </label>
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Validating and creating…" : "Create template"}
      </button>
    </form>
  );
}

/** A copy of an existing template under a new name. */
export function DuplicateForm({ templates, initial }: { templates: { name: string; displayName: string }[]; initial: string }) {
  const [state, action, pending] = useActionState<Created, FormData>(duplicateTemplateAction, { ok: true });
  const [source, setSource] = useState(templates.some((t) => t.name === initial) ? initial : (templates[0]?.name ?? ""));
  useOpenCreated(state);
  const sourceName = templates.find((t) => t.name === source)?.displayName;
  if (templates.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-300">There is no template to copy yet.</p>;
  return (
    <form onSubmit={submitWith(action)} aria-label="Duplicate a template" className="space-y-5">
      <FormMessage ok={state.ok} message={state.message} />
      <Field label="Template to copy" help="The copy gets its latest version as version 1, and its settings." errors={errorsFor(state.fieldErrors, "source")}>
        <select name="source" value={source} onChange={(e) => setSource(e.target.value)} className={inputClass}>
          {templates.map((t) => (
            <option key={t.name} value={t.name}>
              {t.displayName} ({t.name})
            </option>
          ))}
        </select>
      </Field>
      <NameFields errors={state.fieldErrors} displayNamePlaceholder={sourceName ? `${sourceName} (copy)` : undefined} displayNameRequired={false} />
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Validating and copying…" : "Duplicate"}
      </button>
    </form>
  );
}
