/** Shown while the list of class templates renders on the server. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading the class templates" className="animate-pulse motion-reduce:animate-none">
      <div className="h-7 w-48 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-2 h-4 w-80 max-w-full rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-6 space-y-2">
        {[0, 1, 2].map((i) => (
          <div key={i} className="h-16 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
        ))}
      </div>
    </div>
  );
}
