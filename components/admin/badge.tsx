const TONES = {
  green: "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  slate: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
  red: "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200",
  amber: "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100",
  brand: "bg-brand-50 text-brand-700 dark:bg-slate-800 dark:text-brand-100",
} as const;

/** A short state word in a coloured box. */
export function Badge({ tone, children }: { tone: keyof typeof TONES; children: string }) {
  return <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ${TONES[tone]}`}>{children}</span>;
}
