/** The look of every text input and select: a module of its own, so the catalog's search loads nothing else of the form kit. */
export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 dark:border-slate-700 dark:bg-slate-900";
