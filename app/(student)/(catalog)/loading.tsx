/** Shown while a student page renders on the server: the shape of a catalog, without content. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading" className="animate-pulse motion-reduce:animate-none">
      <div className="h-7 w-40 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-3 h-4 w-64 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="h-28 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
        ))}
      </div>
    </div>
  );
}
