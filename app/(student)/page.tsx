import type { Metadata } from "next";
import { TemplateIcon } from "@/components/template-icon";
import { requirePagePermission } from "@/lib/auth/guards";
import { describeTtl } from "@/lib/domain/catalog";
import { listCatalog } from "@/lib/services/catalog";
import { getLaunchAvailability } from "@/lib/services/launch-availability";

export const metadata: Metadata = { title: "Catalog" };

export default async function CatalogPage() {
  const identity = await requirePagePermission("catalog:view", "/");
  const groups = await listCatalog(identity);
  const launching = getLaunchAvailability();
  return (
    <>
      <h1 className="text-2xl font-semibold">Catalog</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">Pick an environment to launch.</p>
      {!launching.available && (
        <p role="status" className="mt-4 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          {launching.reason}
        </p>
      )}
      {groups.length === 0 ? (
        <p className="mt-10 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
          No environments are available yet. Ask your teacher or administrator to add some.
        </p>
      ) : (
        groups.map((group) => (
          <section key={group.category} aria-labelledby={`cat-${group.category}`} className="mt-8">
            <h2 id={`cat-${group.category}`} className="text-sm font-semibold uppercase tracking-wide text-slate-500">
              {group.category}
            </h2>
            <ul className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {group.entries.map((entry) => (
                <li key={entry.name} className="flex gap-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
                  <span className="grid h-11 w-11 shrink-0 place-items-center rounded-lg bg-brand-50 text-brand-600 dark:bg-slate-800 dark:text-brand-100">
                    <TemplateIcon icon={entry.icon} />
                  </span>
                  <div className="min-w-0">
                    <h3 className="font-medium">{entry.displayName}</h3>
                    <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">{entry.description}</p>
                    <p className="mt-2 text-xs text-slate-500">
                      {entry.subcategory && <span>{entry.subcategory} · </span>}
                      Lifetime {describeTtl(entry.ttlSeconds)}
                      {!entry.enabled && <span> · currently unavailable</span>}
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </>
  );
}
