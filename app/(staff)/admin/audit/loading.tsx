/** Shown while the trail is read: the shape of the filters and a table. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading the audit trail" className="animate-pulse motion-reduce:animate-none">
      <div className="h-4 w-40 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-3 h-7 w-48 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-6 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-6">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="h-14 rounded bg-slate-200 dark:bg-slate-800" />
        ))}
      </div>
      <div className="mt-6 h-72 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
    </div>
  );
}
