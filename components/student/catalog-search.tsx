"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { inputClass } from "@/components/ui/form";

/**
 * The catalog's search and category filter. A plain GET form, so it works without JavaScript; with it, the
 * page follows as you type (the server filters and renders, nothing is fetched twice).
 */
export function CatalogSearch({ query, category, categories }: { query: string; category: string | null; categories: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const [text, setText] = useState(query);
  // The box keeps its own text while you type; a query arriving from elsewhere (a link, back) replaces it.
  const [seenQuery, setSeenQuery] = useState(query);
  const [sentQuery, setSentQuery] = useState(query);
  if (query !== seenQuery) {
    setSeenQuery(query);
    if (query !== sentQuery.trim()) setText(query);
  }
  const [pending, startTransition] = useTransition();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  function navigate(nextQuery: string, nextCategory: string | null, delay: number) {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const params = new URLSearchParams();
      if (nextQuery.trim()) params.set("q", nextQuery.trim());
      if (nextCategory) params.set("category", nextCategory);
      const search = params.toString();
      startTransition(() => router.replace(search ? `${pathname}?${search}` : pathname, { scroll: false }));
    }, delay);
  }

  return (
    <form role="search" method="get" action={pathname} className="mt-6 flex flex-col gap-3 sm:flex-row sm:items-end">
      <label className="block flex-1 text-sm font-medium">
        Search
        <input
          type="search"
          name="q"
          value={text}
          maxLength={100}
          autoComplete="off"
          placeholder="Terminal, Python, database…"
          onChange={(event) => {
            setText(event.target.value);
            setSentQuery(event.target.value);
            navigate(event.target.value, category, 250);
          }}
          className={inputClass}
        />
      </label>
      <label className="block text-sm font-medium sm:w-56">
        Category
        <select name="category" defaultValue={category ?? ""} onChange={(event) => navigate(text, event.target.value || null, 0)} className={inputClass}>
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800">
        Filter
      </button>
      <span aria-live="polite" className="sr-only">
        {pending ? "Updating the list" : ""}
      </span>
    </form>
  );
}
