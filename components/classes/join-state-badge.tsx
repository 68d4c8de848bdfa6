import type { JoinState } from "@/lib/domain/classes";

const STYLES: Record<JoinState, { text: string; className: string }> = {
  open: { text: "Joining open", className: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200" },
  expired: { text: "Code expired", className: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200" },
  off: { text: "Joining off", className: "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200" },
};

/** Whether students can join a class by its code now. */
export function JoinStateBadge({ state, archived = false }: { state: JoinState; archived?: boolean }) {
  const { text, className } = archived ? { text: "Archived", className: STYLES.off.className } : STYLES[state];
  return <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ${className}`}>{text}</span>;
}
