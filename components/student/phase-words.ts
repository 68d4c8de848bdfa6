/**
 * An environment's phase in the plain words students read, with the badge's colours: the student's list and
 * the teacher's class view say the same thing the same way.
 */
export const PHASE_WORDS: Record<string, { label: string; className: string }> = {
  Pending: { label: "Queued", className: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100" },
  Provisioning: { label: "Starting", className: "bg-brand-100 text-brand-700 dark:bg-slate-700 dark:text-brand-100" },
  Ready: { label: "Ready", className: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100" },
  Claimed: { label: "Ready", className: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100" },
  Available: { label: "Ready", className: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100" },
  Failed: { label: "Failed", className: "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-100" },
  Expiring: { label: "Deleting", className: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100" },
};
