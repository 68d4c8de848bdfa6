import type { ReactNode } from "react";

const TONES = {
  info: "border-brand-100 bg-brand-50 text-brand-700 dark:border-slate-700 dark:bg-slate-900 dark:text-brand-100",
  warning: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100",
  danger: "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100",
  success: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100",
} as const;

/** A boxed message. Danger is announced at once (alert); the others politely (status). */
export function Notice({ tone, className = "", children }: { tone: keyof typeof TONES; className?: string; children: ReactNode }) {
  return (
    <div role={tone === "danger" ? "alert" : "status"} className={`rounded-lg border p-4 text-sm ${TONES[tone]} ${className}`}>
      {children}
    </div>
  );
}
