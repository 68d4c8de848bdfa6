"use client";

import { useActionState, useState } from "react";
import { previewAction } from "@/app/(staff)/admin/templates/[name]/actions";
import type { ActionState } from "@/lib/auth/actions";
import type { ParameterField } from "@/lib/templates/parameters";
import { errorsFor, Field, FormMessage, inputClass } from "@/components/ui/form";

type Value = string | number | boolean;

function initial(fields: ParameterField[]): Record<string, Value> {
  return Object.fromEntries(fields.filter((f) => f.default !== undefined).map((f) => [f.name, f.default as Value]));
}

/** Renders the final values for chosen parameters, exactly as a launch by this admin would. */
export function PreviewForm({ name, fields }: { name: string; fields: ParameterField[] }) {
  const [state, action, pending] = useActionState<ActionState<{ version: number; valuesYaml: string; connectionMessage: string | null }>, FormData>(previewAction, { ok: true });
  const [values, setValues] = useState<Record<string, Value>>(() => initial(fields));
  const set = (field: string, value: Value | undefined) =>
    setValues((current) => {
      const next = { ...current };
      if (value === undefined || value === "") delete next[field];
      else next[field] = value;
      return next;
    });
  return (
    <form action={action} className="space-y-4" aria-label="Preview values">
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="params" value={JSON.stringify(values)} />
      {fields.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">This template has no parameters.</p>}
      <div className="grid gap-4 sm:grid-cols-2">
        {fields.map((field) => (
          <Field key={field.name} label={`${field.title}${field.required ? " *" : ""}`} help={field.description} errors={errorsFor(state.fieldErrors, `params.${field.name}`)}>
            {field.enum ? (
              <select value={String(values[field.name] ?? "")} onChange={(e) => set(field.name, field.type === "string" ? e.target.value : Number(e.target.value))} className={inputClass}>
                <option value="">—</option>
                {field.enum.map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </select>
            ) : field.type === "boolean" ? (
              <input type="checkbox" checked={values[field.name] === true} onChange={(e) => set(field.name, e.target.checked)} className="mt-2 block h-4 w-4" />
            ) : (
              <input
                type={field.type === "string" ? "text" : "number"}
                value={String(values[field.name] ?? "")}
                onChange={(e) => set(field.name, field.type === "string" ? e.target.value : e.target.value === "" ? undefined : Number(e.target.value))}
                className={inputClass}
              />
            )}
          </Field>
        ))}
      </div>
      <button type="submit" disabled={pending} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800">
        {pending ? "Rendering…" : "Preview values"}
      </button>
      <FormMessage ok={state.ok} message={state.ok ? undefined : state.message} />
      {state.ok && state.result && (
        <pre aria-label="Rendered values" className="overflow-x-auto rounded-md bg-slate-900 p-4 text-xs text-slate-100">
          {state.result.valuesYaml}
        </pre>
      )}
      {state.ok && state.result?.connectionMessage != null && (
        <div>
          <h3 className="text-sm font-medium">Connection instructions</h3>
          <pre aria-label="Connection instructions" className="mt-1 rounded-md border border-slate-200 bg-white p-3 text-sm whitespace-pre-wrap wrap-anywhere dark:border-slate-800 dark:bg-slate-900">
            {state.result.connectionMessage}
          </pre>
        </div>
      )}
    </form>
  );
}
