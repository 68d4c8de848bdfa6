import type { ReactNode } from "react";

export { inputClass } from "./input-class";

/** A labelled field with its help text and the errors the server returned for it. */
export function Field({ label, help, errors, children }: { label: string; help?: string; errors?: string[]; children: ReactNode }) {
  return (
    <label className="block text-sm font-medium">
      {label}
      {children}
      {help && <span className="mt-1 block text-xs font-normal text-slate-600 dark:text-slate-400">{help}</span>}
      {errors?.map((error) => (
        <span key={error} className="mt-1 block text-xs font-normal text-red-700 dark:text-red-300">
          {error}
        </span>
      ))}
    </label>
  );
}

export function FormMessage({ ok, message }: { ok: boolean; message?: string }) {
  if (!message) return null;
  return (
    <p
      role={ok ? "status" : "alert"}
      className={
        ok
          ? "rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800 dark:border-green-900 dark:bg-green-950 dark:text-green-200"
          : "rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
      }
    >
      {message}
    </p>
  );
}

/** The errors for a form field: those keyed by its name or by a path under it (`chart.repoUrl`). */
export function errorsFor(fieldErrors: Record<string, string[]> | undefined, ...names: string[]): string[] | undefined {
  if (!fieldErrors) return undefined;
  const found = Object.entries(fieldErrors)
    .filter(([key]) => names.some((name) => key === name || key.startsWith(`${name}.`) || key.startsWith(`${name}[`) || key.endsWith(`: ${name}`)))
    .flatMap(([key, messages]) => messages.map((m) => (names.includes(key) ? m : `${key}: ${m}`)));
  return found.length ? found : undefined;
}
