/**
 * Shown while the class list renders on the server. In a group of its own, so it wraps the list alone: around
 * a class's pages it would start the response before they can answer 404 for a class out of reach.
 */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading the classes" className="animate-pulse motion-reduce:animate-none">
      <div className="h-7 w-32 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-2 h-4 w-72 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-6 space-y-2">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-12 rounded border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
        ))}
      </div>
    </div>
  );
}
