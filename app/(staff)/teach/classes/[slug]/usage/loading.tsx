/** Shown while a class's usage report is read: the range form, the four totals and the table's rows. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading the usage report" className="animate-pulse motion-reduce:animate-none">
      <div className="h-16 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
      <div className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-20 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
        ))}
      </div>
      <div className="mt-6 space-y-2">
        {[0, 1, 2, 3, 4].map((i) => (
          <div key={i} className="h-10 rounded border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
        ))}
      </div>
    </div>
  );
}
