import type { Metadata } from "next";
import { headers } from "next/headers";
import { CatalogBrowser } from "@/components/student/catalog-browser";
import { CatalogCards } from "@/components/student/catalog-cards";
import { catalogMarkup, withRunningBadges } from "@/components/student/catalog-markup";
import { Notice } from "@/components/ui/notice";
import { requirePagePermission } from "@/lib/auth/guards";
import { parseCatalogFilter } from "@/lib/domain/catalog";
import { listCatalog } from "@/lib/services/catalog/list-catalog";

export const metadata: Metadata = { title: "Catalog" };

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const identity = await requirePagePermission("catalog:view", "/");
  const filter = parseCatalogFilter(await searchParams);
  const catalog = await listCatalog(identity, filter);
  // Rendered once per content and kept in this process, where the HTML pass of a page load finds it. A page
  // load asks for HTML; the router's navigations and refreshes (Accept */*) render none, so the cards then
  // travel in the payload (see catalog-cards.tsx).
  const markup = catalog.total > 0 ? catalogMarkup(catalog) : "";
  const pageLoad = ((await headers()).get("accept") ?? "").includes("text/html");
  const { launching } = catalog;
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
      {catalog.total === 0 && (
        <p className="mt-10 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
          No environments are available yet. Ask your teacher or administrator to add some.
        </p>
      )}
      {catalog.total > 0 && (
        <CatalogBrowser filter={filter} categories={catalog.categories} emptyAtFirst={empty}>
          {/* Rendered once for everyone who sees the same catalog; see catalog-markup.ts. */}
          <CatalogCards
            contentKey={catalog.contentKey}
            running={catalog.running}
            html={pageLoad ? undefined : withRunningBadges(markup, catalog.running)}
          />
        </CatalogBrowser>
      )}
    </>
  );
}
