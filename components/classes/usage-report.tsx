import Link from "@/components/ui/link";
import type { ReactNode } from "react";
import { inputClass as baseInputClass } from "@/components/ui/form";
import { formatDuration, formatWait, type SortDirection, type UsageFigures, type UsageSort } from "@/lib/domain/usage";
import { UsageTimeZone } from "./usage-time-zone";

/**
 * The pieces of a class's usage report: the range form, the totals, the sortable tables and one student's
 * environments. Server components: sorting and the range are links and a GET form, so the address keeps
 * them and the page works without JavaScript.
 */

const inputClass = `${baseInputClass} aria-invalid:border-red-600 dark:aria-invalid:border-red-400`;
const cell = "px-3 py-2";
const number = `${cell} text-right tabular-nums whitespace-nowrap`;
const link = "text-brand-700 hover:underline dark:text-brand-100";

/** The report's address with some parameters changed (null removes one). */
export function usageHref(base: string, params: Record<string, string | undefined>, change: Record<string, string | null> = {}): string {
  const next = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...params, ...change })) if (value) next.set(key, value);
  const query = next.toString();
  return query ? `${base}?${query}` : base;
}

function DateField({ name, label, value, errors }: { name: "from" | "to"; label: string; value: string; errors?: string[] }) {
  const id = `usage-${name}`;
  return (
    <div className="min-w-0 text-sm font-medium">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="date"
        defaultValue={value}
        min="2000-01-01"
        max="9999-12-31"
        className={inputClass}
        {...(errors && { "aria-invalid": true, "aria-describedby": `${id}-errors` })}
      />
      {errors && (
        <span id={`${id}-errors`} className="mt-1 block text-xs font-normal text-red-700 dark:text-red-300">
          {errors.join(" ")}
        </span>
      )}
    </div>
  );
}

/** The range as a GET form: first and last day (both included) in the teacher's time zone. */
export function UsageRangeForm({
  action,
  from,
  to,
  timeZone,
  zoneGiven,
  errors,
  keep,
}: {
  action: string;
  from: string;
  to: string;
  timeZone: string;
  /** Whether the address names the zone; if not, the browser's replaces UTC. */
  zoneGiven: boolean;
  errors: Record<string, string[]> | null;
  /** Parameters the form carries along (the sort, the student shown). */
  keep: Record<string, string | undefined>;
}) {
  return (
    <form role="search" aria-label="Report range" method="get" action={action} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="grid grid-cols-2 items-start gap-3 sm:flex sm:items-end">
        <DateField name="from" label="First day" value={from} errors={errors?.from} />
        <DateField name="to" label="Last day" value={to} errors={errors?.to} />
        <UsageTimeZone timeZone={timeZone} />
        {Object.entries(keep).map(([key, value]) => value && <input key={key} type="hidden" name={key} value={value} />)}
        <button type="submit" className="col-span-2 rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 sm:col-span-1">
          Show
        </button>
      </div>
      <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
        Days in the time zone {timeZone}
        {zoneGiven ? "" : " (your browser's zone replaces it when JavaScript runs)"}, both included; at most 366 days.
      </p>
      {errors?.tz && <p className="mt-1 text-xs text-red-700 dark:text-red-300">Time zone: {errors.tz.join(" ")}</p>}
    </form>
  );
}

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      <dt className="text-xs font-medium text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums">{value}</dd>
      {note && <dd className="text-xs text-slate-600 dark:text-slate-400">{note}</dd>}
    </div>
  );
}

/** The class's four totals. */
export function UsageTotals({ total }: { total: UsageFigures }) {
  return (
    <dl aria-label="Class totals" className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      <Stat label="Time used" value={formatDuration(total.timeUsedMs)} />
      <Stat label="Launches" value={total.launches.toLocaleString("en")} note="claims included" />
      <Stat label="Failures" value={total.failures.toLocaleString("en")} note="never ready" />
      <Stat label="Median time to ready" value={formatWait(total.medianMsToReady)} />
    </dl>
  );
}

type Column = { key: UsageSort; label: string; numeric: boolean };
const COLUMNS: Column[] = [
  { key: "used", label: "Time used", numeric: true },
  { key: "launches", label: "Launches", numeric: true },
  { key: "failures", label: "Failures", numeric: true },
  { key: "ready", label: "Median to ready", numeric: true },
];

/** A column header that sorts by its column: a link, the current sort marked with aria-sort and an arrow. */
function SortHeader({ column, sort, dir, href }: { column: Column; sort: UsageSort; dir: SortDirection; href: (sort: UsageSort, dir: SortDirection) => string }) {
  const current = column.key === sort;
  const next: SortDirection = current ? (dir === "asc" ? "desc" : "asc") : column.key === "name" ? "asc" : "desc";
  return (
    <th scope="col" aria-sort={current ? (dir === "asc" ? "ascending" : "descending") : undefined} className={`${cell} ${column.numeric ? "text-right" : ""} whitespace-nowrap`}>
      <Link href={href(column.key, next)} scroll={false} className="inline-flex items-center gap-1 hover:underline">
        {column.label}
        <span aria-hidden="true" className={current ? "" : "text-slate-400 dark:text-slate-600"}>
          {current ? (dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
        <span className="sr-only">{current ? `, sorted ${dir === "asc" ? "ascending" : "descending"}; sort ${next === "asc" ? "ascending" : "descending"}` : ", sort"}</span>
      </Link>
    </th>
  );
}

export interface UsageTableRow extends UsageFigures {
  key: string;
  name: string;
  label: ReactNode;
}

/** A table of figures by student or by template, sorted by the page's sort. */
export function UsageTable({
  caption,
  nameLabel,
  rows,
  sort,
  dir,
  href,
}: {
  caption: string;
  nameLabel: string;
  rows: UsageTableRow[];
  sort: UsageSort;
  dir: SortDirection;
  href: (sort: UsageSort, dir: SortDirection) => string;
}) {
  return (
    <div data-scrolls className="relative mt-3 overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-100 text-slate-600 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            <SortHeader column={{ key: "name", label: nameLabel, numeric: false }} sort={sort} dir={dir} href={href} />
            {COLUMNS.map((column) => (
              <SortHeader key={column.key} column={column} sort={sort} dir={dir} href={href} />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className="border-t border-slate-200 dark:border-slate-800">
              <th scope="row" className={`${cell} min-w-36 font-normal`}>
                {row.label}
              </th>
              <td className={number}>{formatDuration(row.timeUsedMs)}</td>
              <td className={number}>{row.launches}</td>
              <td className={`${number} ${row.failures > 0 ? "font-semibold text-red-700 dark:text-red-300" : ""}`}>{row.failures}</td>
              <td className={number}>{formatWait(row.medianMsToReady)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export { cell, link, number };
