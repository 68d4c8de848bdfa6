/** A moment as a date and time in UTC, readable and machine-readable; "never" without one. */
export function When({ at, never = "Never" }: { at: string | null; never?: string }) {
  if (!at) return <span className="text-slate-600 dark:text-slate-400">{never}</span>;
  return (
    <time dateTime={at} title={at}>
      {at.replace("T", " ").slice(0, 16)} UTC
    </time>
  );
}
