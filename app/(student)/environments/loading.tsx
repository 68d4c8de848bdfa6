/** Shown while the list renders on the server: the shape of two environment cards. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading your environments" className="animate-pulse motion-reduce:animate-none">
      <div className="h-7 w-56 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-3 h-4 w-48 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        {[0, 1].map((i) => (
          <div key={i} className="h-44 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
        ))}
      </div>
    </div>
  );
}
