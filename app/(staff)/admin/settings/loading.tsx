/** Shown while the settings render on the server: the shape of the form's first groups. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading the settings" className="animate-pulse motion-reduce:animate-none">
      <div className="h-4 w-40 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-3 h-7 w-32 rounded bg-slate-200 dark:bg-slate-800" />
      {[0, 1, 2].map((i) => (
        <div key={i} className="mt-6 h-40 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
      ))}
    </div>
  );
}
