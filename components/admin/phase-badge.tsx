import type { Phase } from "@/lib/domain/phase";

const TONES: Record<Phase, string> = {
  Pending: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  Provisioning: "bg-brand-100 text-brand-700 dark:bg-slate-700 dark:text-brand-100",
  Ready: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100",
  Available: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100",
  Claimed: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100",
  Expiring: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  Failed: "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-100",
};

/** An environment's phase as admins read it: the phase's own name (or Ended once torn down), with its health. */
export function PhaseBadge({ phase, health, ended }: { phase: Phase; health: string | null; ended: boolean }) {
  const tone = ended ? "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300" : TONES[phase];
  return (
    <span className="inline-flex flex-col items-start gap-0.5">
      <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ${tone}`}>{ended ? "Ended" : phase}</span>
      {health && !ended && <span className="text-xs text-slate-600 dark:text-slate-400">{health}</span>}
    </span>
  );
}
