import type { Metadata } from "next";
import Link from "next/link";
import { CatalogGrid } from "@/components/student/catalog-card";
import { CatalogSearch } from "@/components/student/catalog-search";
import { Notice } from "@/components/ui/notice";
import { requirePagePermission } from "@/lib/auth/guards";
import { parseCatalogFilter } from "@/lib/domain/catalog";
import { listCatalog } from "@/lib/services/catalog/list-catalog";

export const metadata: Metadata = { title: "Catalog" };

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const identity = await requirePagePermission("catalog:view", "/");
  const filter = parseCatalogFilter(await searchParams);
  const catalog = await listCatalog(identity, filter);
  const { launching } = catalog;
  const filtered = filter.query !== "" || filter.category !== null;
  const empty = catalog.catalogs.length === 0 && catalog.groups.length === 0;
  return (
    <>
      <h1 className="text-2xl font-semibold">Catalog</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">Pick an environment to launch.</p>
      {!launching.available && (
        <Notice tone="warning" className="mt-4 wrap-anywhere">
          {launching.reason}
        </Notice>
      )}
      {catalog.total > 0 && <CatalogSearch query={filter.query} category={filter.category} categories={catalog.categories} />}
      {empty && filtered && (
        <div className="mt-10 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
          <p>No environments match {filter.query ? <>“{filter.query}”</> : "this category"}.</p>
          <Link href="/" className="mt-2 inline-block font-medium text-brand-600 underline dark:text-brand-100">
            Show everything
          </Link>
        </div>
      )}
      {empty && !filtered && (
        <p className="mt-10 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
          No environments are available yet. Ask your teacher or administrator to add some.
        </p>
      )}
      {catalog.catalogs.map((c) => (
        <section key={c.slug} aria-labelledby={`catalog-${c.slug}`} className="mt-8 rounded-xl border border-brand-100 bg-brand-50/60 p-4 dark:border-slate-800 dark:bg-slate-900/60">
          <p className="text-xs font-semibold uppercase tracking-wide text-brand-700 dark:text-brand-100">For your class</p>
          <h2 id={`catalog-${c.slug}`} className="text-lg font-semibold">
            {c.title}
          </h2>
          {c.description && <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">{c.description}</p>}
          <CatalogGrid entries={c.entries} />
        </section>
      ))}
      {catalog.groups.map((group) => (
        <section key={group.category} aria-labelledby={`category-${group.category}`} className="mt-8">
          <h2 id={`category-${group.category}`} className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
            {group.category}
          </h2>
          {group.subcategories.map((sub) => (
            <div key={sub.name ?? ""} className="mt-3">
              {sub.name && <h3 className="text-sm font-medium text-slate-700 dark:text-slate-300">{sub.name}</h3>}
              <CatalogGrid entries={sub.entries} />
            </div>
          ))}
        </section>
      ))}
    </>
  );
}
