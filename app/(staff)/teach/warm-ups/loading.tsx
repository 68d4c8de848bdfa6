/** Shown while the warm-ups render on the server. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading the warm-ups" className="animate-pulse motion-reduce:animate-none">
      <div className="h-7 w-32 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-2 h-4 w-72 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-6 grid gap-6 lg:grid-cols-[22rem_1fr]">
        <div className="h-80 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
        <div className="space-y-3">
          {[0, 1, 2].map((i) => (
            <div key={i} className="h-24 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
          ))}
        </div>
      </div>
    </div>
  );
}
