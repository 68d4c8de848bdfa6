/** Shown while the user list renders on the server: the shape of its filters and a few rows. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading the accounts" className="animate-pulse motion-reduce:animate-none">
      <div className="h-4 w-40 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-3 h-7 w-32 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-6 h-20 rounded-lg bg-slate-200 dark:bg-slate-800" />
      <div className="mt-6 space-y-2">
        {[0, 1, 2, 3, 4].map((i) => (
          <div key={i} className="h-12 rounded border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
        ))}
      </div>
    </div>
  );
}
