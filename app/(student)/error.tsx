"use client";

/** A student page that failed to render: say so plainly and offer to try again. */
export default function StudentError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">The portal could not load this page. Your environments are not affected.</p>
      <button type="button" onClick={reset} className="mt-6 rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
        Try again
      </button>
    </div>
  );
}
