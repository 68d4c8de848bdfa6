"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from "react";
import { inputClass } from "@/components/ui/input-class";
import { foldText, type CatalogFilter } from "@/lib/domain/catalog";

/**
 * The catalog's search and category filter around its cards. Without JavaScript it is a plain GET form the
 * server answers. With it, the filter applies to the cards already on the page as you type (each card carries
 * its searchable text), so search is instant and costs the server nothing; only a filter wider than the one
 * the page was rendered with asks the server again. Links inside the server-rendered cards navigate within
 * the app instead of reloading the page.
 */
/** What a search looks in, as the server does: name, description, category and subcategory, folded once. */
const folded = new WeakMap<HTMLElement, string>();
function searchText(card: HTMLElement): string {
  let text = folded.get(card);
  if (text === undefined) {
    const parts = [card.querySelector("a"), card.querySelector("p"), card.querySelector("small span")].map((e) => e?.textContent ?? "");
    const name = card.querySelector("a")?.getAttribute("href")?.slice("/run/".length) ?? "";
    text = foldText([...parts, name, card.dataset.category].join(" "));
    folded.set(card, text);
  }
  return text;
}

export function CatalogBrowser({
  filter,
  categories,
  emptyAtFirst,
  children,
}: {
  /** The filter the server rendered the cards with. */
  filter: CatalogFilter;
  categories: { name: string; label: string }[];
  /** Whether the server found nothing for `filter`: the empty state shows before any script runs. */
  emptyAtFirst: boolean;
  children: ReactNode;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const cards = useRef<HTMLDivElement>(null);
  const [query, setQuery] = useState(filter.query);
  const [category, setCategory] = useState(filter.category ?? "");
  const [shown, setShown] = useState<number | null>(emptyAtFirst ? 0 : null);
  // A filter arriving from elsewhere (a link, the back button) replaces what the box holds.
  const [rendered, setRendered] = useState(filter);
  if (rendered.query !== filter.query || rendered.category !== filter.category) {
    setRendered(filter);
    setQuery(filter.query);
    setCategory(filter.category ?? "");
  }

  useEffect(() => {
    const root = cards.current;
    if (!root) return;
    const words = foldText(query).split(/\s+/).filter(Boolean);
    let visible = 0;
    for (const card of root.querySelectorAll<HTMLElement>("li[data-category]")) {
      const text = searchText(card);
      const matches = (!category || card.dataset.category === category) && words.every((word) => text.includes(word));
      card.hidden = !matches;
      if (matches) visible++;
    }
    // A section with no card left goes too, heading and all.
    for (const section of root.querySelectorAll<HTMLElement>("section")) {
      section.hidden = section.querySelector("li[data-category]:not([hidden])") === null;
    }
    setShown(visible);
  }, [query, category, children]);

  function change(nextQuery: string, nextCategory: string) {
    setQuery(nextQuery);
    setCategory(nextCategory);
    const params = new URLSearchParams();
    if (nextQuery.trim()) params.set("q", nextQuery.trim());
    if (nextCategory) params.set("category", nextCategory);
    const url = params.size ? `${pathname}?${params}` : pathname;
    const narrower =
      (!filter.category || filter.category === nextCategory) && foldText(nextQuery.trim()).includes(foldText(filter.query));
    // The cards on the page hold every match of a narrower filter; a wider one needs the server's.
    if (narrower) window.history.replaceState(null, "", url);
    else router.replace(url, { scroll: false });
  }

  function follow(event: MouseEvent<HTMLDivElement>) {
    const link = (event.target as Element).closest("a");
    const href = link?.getAttribute("href");
    if (!href?.startsWith("/") || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    router.push(href);
  }

  const empty = shown === 0;
  return (
    <>
      <form role="search" method="get" action={pathname} className="mt-6 flex flex-col gap-3 sm:flex-row sm:items-end" onSubmit={(e) => e.preventDefault()}>
        <label className="block flex-1 text-sm font-medium">
          Search
          <input
            type="search"
            name="q"
            value={query}
            maxLength={100}
            autoComplete="off"
            placeholder="Terminal, Python, database…"
            onChange={(event) => change(event.target.value, category)}
            className={inputClass}
          />
        </label>
        <label className="block text-sm font-medium sm:w-56">
          Category
          <select name="category" value={category} onChange={(event) => change(query, event.target.value)} className={inputClass}>
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c.name} value={c.name}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <noscript>
          <button type="submit" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium">
            Filter
          </button>
        </noscript>
      </form>
      <p aria-live="polite" className="sr-only">
        {shown === null || (!query && !category) ? "" : `${shown} environment${shown === 1 ? "" : "s"} match`}
      </p>
      {empty && (
        <div className="mt-10 rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
          <p>No environments match {query.trim() ? <>“{query.trim()}”</> : "this category"}.</p>
          <a
            href={pathname}
            onClick={(event) => {
              event.preventDefault();
              change("", "");
            }}
            className="mt-2 inline-block font-medium text-brand-600 underline dark:text-brand-100"
          >
            Show everything
          </a>
        </div>
      )}
      {/* Clicks are delegated: the cards are server-rendered markup, not React elements. */}
      <div ref={cards} onClick={follow}>
        {children}
      </div>
    </>
  );
}
