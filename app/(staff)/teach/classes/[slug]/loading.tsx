/** Shown while the server reads the class: its heading, the filters and a few rows. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading the class" className="animate-pulse motion-reduce:animate-none">
      <div className="h-4 w-40 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-2 h-7 w-64 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-4 h-5 w-72 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-4 flex gap-2">
        {[0, 1, 2, 3, 4].map((i) => (
          <div key={i} className="h-8 w-24 rounded-full bg-slate-200 dark:bg-slate-800" />
        ))}
      </div>
      <div className="mt-6 space-y-2">
        {[0, 1, 2, 3, 4].map((i) => (
          <div key={i} className="h-14 rounded border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
        ))}
      </div>
    </div>
  );
}
