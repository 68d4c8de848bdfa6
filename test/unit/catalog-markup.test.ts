import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { catalogMarkup, catalogPreviewMarkup, escapeHtml, withRunningBadges } from "@/components/student/catalog-markup";
import { displayCategory } from "@/lib/domain/catalog";
import type { CatalogEntry, StudentCatalog } from "@/lib/services/catalog/list-catalog";
import { HOSTILE_VALUES } from "@/test/fixtures/hostile-values";

const entry = (name: string, fields: Partial<CatalogEntry> = {}): CatalogEntry => ({
  name,
  displayName: `Lab ${name}`,
  description: "A workspace",
  icon: "terminal",
  category: "programming",
  subcategory: "python",
  subcategoryLabel: "Python",
  enabled: true,
  ttlSeconds: 3600,
  method: "on_demand",
  warm: 0,
  ...fields,
});

let keys = 0;
const catalogOf = (parts: Partial<Pick<StudentCatalog, "catalogs" | "groups">>) => ({ catalogs: [], groups: [], ...parts, contentKey: `key-${++keys}` });

/** The markup with every text and attribute value emptied: what is left is its structure. */
const structure = (html: string) => html.replace(/>[^<]*</g, "><").replace(/"[^"]*"/g, '""');

describe("catalog markup", () => {
  it("keeps its structure whatever the names, descriptions and titles hold", () => {
    const plain = catalogMarkup(catalogOf({ catalogs: [{ slug: "c", title: "T", description: "D", entries: [{ ...entry("a"), note: "N" }] }], groups: [{ category: "x", label: "X", entries: [entry("b")] }] }));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_VALUES)), fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_VALUES)), (text, other) => {
        const hostile = catalogMarkup(
          catalogOf({
            catalogs: [{ slug: "c", title: text, description: other || "D", entries: [{ ...entry("a", { displayName: text || "x", description: other || "D" }), note: other || "N" }] }],
            groups: [{ category: other, label: text || "X", entries: [entry("b", { subcategoryLabel: text || "P", description: text || "D" })] }],
          }),
        );
        expect(structure(hostile)).toBe(structure(plain));
      }),
    );
  });

  it("shows a teacher's note under its template, escaped, and nothing for an empty one", () => {
    const html = catalogMarkup(
      catalogOf({ catalogs: [{ slug: "c", title: "Lab", description: "", entries: [{ ...entry("a"), note: "Use this for lab 3 <b>now</b>" }, { ...entry("b"), note: "" }] }] }),
    );
    expect(html).toContain('<p class="note"><span class="sr-only">Note from your teacher: </span>Use this for lab 3 &lt;b&gt;now&lt;/b&gt;</p>');
    expect(html.match(/class="note"/g)).toHaveLength(1);
  });

  it("draws a preview without links, so nothing in it launches", () => {
    const catalog = catalogOf({ catalogs: [{ slug: "c", title: "Lab", description: "", entries: [{ ...entry("a"), note: "n" }] }], groups: [{ category: "x", label: "X", entries: [entry("b")] }] });
    expect(catalogMarkup(catalog)).toContain('href="/run/a"');
    const preview = catalogPreviewMarkup(catalog);
    expect(preview).not.toContain("<a ");
    expect(preview).toContain('<span class="name">Lab a</span>');
    expect(preview).toContain('<span class="name">Lab b</span>');
  });

  it("escapes markup, quotes and ampersands", () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe("&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
    const html = catalogMarkup(catalogOf({ groups: [{ category: "x", label: "X", entries: [entry("a", { displayName: '<img src=x onerror="alert(1)">' })] }] }));
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });

  it("badges instant and unavailable templates, draws each icon once, and sizes small groups to their cards", () => {
    const html = catalogMarkup(
      catalogOf({
        groups: [
          { category: "a", label: "A", entries: [entry("one", { warm: 2 }), entry("two", { enabled: false, warm: 1 })] },
          { category: "b", label: "B", entries: [entry("three"), entry("four"), entry("five"), entry("six")] },
        ],
      }),
    );
    expect(html.match(/>Instant</g)).toHaveLength(1);
    expect(html.match(/>Unavailable</g)).toHaveLength(1);
    expect(html.match(/<symbol id="icon-terminal"/g)).toHaveLength(1);
    expect(html.match(/<use href="#icon-terminal"\/>/g)).toHaveLength(6);
    expect(html).toContain('<section class="span-2"');
    expect(html).toContain('<section class="span-3"');
  });

  it("renders a content key once, and puts the caller's running badges in per request", () => {
    const catalog = catalogOf({ groups: [{ category: "x", label: "X", entries: [entry("a"), entry("b")] }] });
    const first = catalogMarkup(catalog);
    expect(catalogMarkup({ ...catalog, groups: [] })).toBe(first);
    const mine = withRunningBadges(first, ["b", "not-shown"]);
    expect(mine.match(/>Running</g)).toHaveLength(1);
    expect(mine.indexOf(">Running<")).toBeGreaterThan(mine.indexOf('href="/run/b"'));
    expect(withRunningBadges(first, [])).toBe(first);
  });
});

describe("catalog renderings", () => {
  it("are found by a second copy of the module, as the HTML pass of a page render loads one", async () => {
    const catalog = catalogOf({ groups: [{ category: "x", label: "X", entries: [entry("shared")] }] });
    const markup = catalogMarkup(catalog);
    vi.resetModules();
    const other = await import("@/components/student/catalog-renderings");
    expect(other.findRendering(catalog.contentKey)).toBe(markup);
    expect(other.findRendering("never-rendered")).toBeUndefined();
  });

  it("keep at most a hundred, dropping the oldest", async () => {
    const { findRendering, keepRendering } = await import("@/components/student/catalog-renderings");
    for (let i = 0; i < 101; i++) keepRendering(`bounded-${i}`, `<p>${i}</p>`);
    expect(findRendering("bounded-0")).toBeUndefined();
    expect(findRendering("bounded-100")).toBe("<p>100</p>");
    expect(findRendering("bounded-1")).toBe("<p>1</p>");
  });
});

describe("category names", () => {
  it("read as people write them", () => {
    expect(displayCategory("data science")).toBe("Data science");
    expect(displayCategory("sql")).toBe("SQL");
    expect(displayCategory("nosql databases")).toBe("NoSQL databases");
    expect(displayCategory("Machine Learning")).toBe("Machine Learning");
    expect(displayCategory("élan")).toBe("Élan");
    expect(displayCategory("")).toBe("");
  });
});
