/** Shown while the account page renders on the server: its facts and the tokens' box. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading your account" className="animate-pulse motion-reduce:animate-none">
      <div className="h-7 w-32 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-4 h-20 max-w-xl rounded bg-slate-200 dark:bg-slate-800" />
      <div className="mt-10 h-64 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" />
    </div>
  );
}
