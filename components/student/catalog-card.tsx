import Link from "next/link";
import { TemplateIconTile } from "@/components/template-icon";
import { describeTtl } from "@/lib/domain/catalog";
import type { CatalogEntry } from "@/lib/services/catalog/list-catalog";

/** One template in the catalog: the whole card opens its launch page. */
export function CatalogCard({ entry }: { entry: CatalogEntry }) {
  return (
    <li className="relative flex gap-4 rounded-lg border border-slate-200 bg-white p-4 transition hover:border-brand-500 hover:shadow-sm focus-within:ring-2 focus-within:ring-brand-500 dark:border-slate-800 dark:bg-slate-900">
      <TemplateIconTile icon={entry.icon} />
      <div className="min-w-0 flex-1">
        <h3 className="flex flex-wrap items-center gap-2 font-medium">
          <Link href={`/run/${entry.name}`} prefetch={false} className="after:absolute after:inset-0 after:rounded-lg focus-visible:outline-none">
            {entry.displayName}
          </Link>
          {entry.warm > 0 && entry.enabled && (
            <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100" title="A warm environment is waiting: you get it at once">
              Instant
            </span>
          )}
          {!entry.enabled && (
            <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-700 dark:text-slate-100">Unavailable</span>
          )}
        </h3>
        <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">{entry.description}</p>
        <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">Lifetime {describeTtl(entry.ttlSeconds)}</p>
      </div>
    </li>
  );
}

export function CatalogGrid({ entries }: { entries: CatalogEntry[] }) {
  return (
    <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {entries.map((entry) => (
        <CatalogCard key={entry.name} entry={entry} />
      ))}
    </ul>
  );
}
