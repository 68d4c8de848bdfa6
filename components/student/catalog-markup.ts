import "server-only";
import { ICON_PATHS } from "@/components/template-icon";
import { describeTtl, TEMPLATE_ICONS, type TemplateIcon } from "@/lib/domain/catalog";
import type { CatalogEntry, StudentCatalog } from "@/lib/services/catalog/list-catalog";
import { findRendering, keepRendering, runningMarker } from "./catalog-renderings";

/**
 * The catalog's cards as HTML, rendered once per content key and shared by every request that shows the same
 * catalog (styled by `.catalog` in app/globals.css, which keeps the markup itself nearly free of classes): at the start of a class hundreds of students of one audience open the same page, and rendering
 * 200 cards as React elements for each of them cost nine tenths of the page's time. The cards are links and
 * text, nothing interactive, so a string serves as well as a tree.
 *
 * Safety: every value from the database goes through `escapeHtml` (text and attribute values alike), and
 * nothing else is interpolated but constants and template names, which are [a-z0-9-] by construction and
 * escaped anyway. The tests render hostile names and descriptions and parse the result.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe inside an element or a double-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** How cards are drawn: as links that launch (the catalog), or as plain text (a teacher's preview, which launches nothing). */
interface RenderOptions {
  links: boolean;
}

function card(entry: CatalogEntry & { note?: string }, options: RenderOptions): string {
  const icon: TemplateIcon = (TEMPLATE_ICONS as readonly string[]).includes(entry.icon) ? entry.icon : "default";
  const badges = [
    runningMarker(entry.name),
    entry.enabled && entry.warm > 0 ? `<span class="instant" title="A warm environment is waiting: you get it at once">Instant</span>` : "",
    entry.enabled ? "" : `<span class="off">Unavailable</span>`,
  ].join("");
  const lifetime = `Lifetime ${describeTtl(entry.ttlSeconds)}`;
  const meta = entry.subcategoryLabel ? `<span>${escapeHtml(entry.subcategoryLabel)}</span> · ${lifetime}` : lifetime;
  return (
    `<li data-category="${escapeHtml(entry.category)}"><svg aria-hidden="true"><use href="#icon-${icon}"/></svg>` +
    `<div><h3>${options.links ? `<a href="/run/${encodeURIComponent(entry.name)}">${escapeHtml(entry.displayName)}</a>` : `<span class="name">${escapeHtml(entry.displayName)}</span>`}${badges}</h3>` +
    (entry.description ? `<p>${escapeHtml(entry.description)}</p>` : "") +
    (entry.note ? `<p class="note"><span class="sr-only">Note from your teacher: </span>${escapeHtml(entry.note)}</p>` : "") +
    `<small>${meta}</small></div></li>`
  );
}

/** A grid of cards; `columns` caps how wide it grows, so a small group does not sit in a mostly empty row. */
const grid = (entries: (CatalogEntry & { note?: string })[], columns: number, options: RenderOptions) =>
  `<ul class="cols-${columns}">${entries.map((entry) => card(entry, options)).join("")}</ul>`;

/** The icons the cards use, once per page; each card refers to its icon instead of repeating the drawing. */
function iconSprite(entries: CatalogEntry[]): string {
  const used = new Set(entries.map((e) => ((TEMPLATE_ICONS as readonly string[]).includes(e.icon) ? e.icon : "default")));
  const symbols = TEMPLATE_ICONS.filter((icon) => used.has(icon)).map((icon) => `<symbol id="icon-${icon}" viewBox="0 0 24 24"><path d="${ICON_PATHS[icon]}"/></symbol>`);
  return `<svg class="sprite" aria-hidden="true">${symbols.join("")}</svg>`;
}

function render(catalog: Pick<StudentCatalog, "catalogs" | "groups">, options: RenderOptions): string {
  const all = [...catalog.catalogs.flatMap((c) => c.entries), ...catalog.groups.flatMap((g) => g.entries)];
  if (all.length === 0) return "";
  const teacher = catalog.catalogs.map(
    (c, i) =>
      `<section class="class" aria-labelledby="catalog-class-${i}"><p class="kicker">For your class</p>` +
      `<h2 id="catalog-class-${i}">${escapeHtml(c.title)}</h2>` +
      (c.description ? `<p>${escapeHtml(c.description)}</p>` : "") +
      grid(c.entries, 3, options) +
      `</section>`,
  );
  // Categories flow side by side: a category of one or two cards takes that many columns of the row.
  const categories = catalog.groups.map((g, i) => {
    const columns = Math.min(g.entries.length, 3);
    return (
      `<section class="span-${columns}" aria-labelledby="catalog-category-${i}">` +
      `<h2 id="catalog-category-${i}">${escapeHtml(g.label)}</h2>${grid(g.entries, columns, options)}</section>`
    );
  });
  return `${iconSprite(all)}${teacher.join("")}${categories.length ? `<div class="categories">${categories.join("")}</div>` : ""}`;
}

/** The catalog's markup; the same content key always gives the same markup, rendered once per process. */
export function catalogMarkup(catalog: Pick<StudentCatalog, "catalogs" | "groups" | "contentKey">): string {
  let markup = findRendering(catalog.contentKey);
  if (markup === undefined) {
    markup = render(catalog, { links: true });
    keepRendering(catalog.contentKey, markup);
  }
  return markup;
}

/** The same cards for a teacher's preview: names as text, so nothing in it launches; never shared, never cached. */
export function catalogPreviewMarkup(catalog: Pick<StudentCatalog, "catalogs" | "groups">): string {
  return render(catalog, { links: false });
}

export { withRunningBadges } from "./catalog-renderings";
