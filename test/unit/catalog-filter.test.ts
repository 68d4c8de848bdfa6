import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_CATALOG_QUERY, matchesCatalogFilter, parseCatalogFilter } from "@/lib/domain/catalog";

const jupyter = { name: "jupyter", displayName: "Jupyter Notebook", description: "Python für Datenanalyse", category: "data science", subcategory: "notebooks" };
const noFilter = { query: "", category: null };

describe("matchesCatalogFilter", () => {
  it("matches every word anywhere in the name, description and categories, ignoring case and accents", () => {
    expect(matchesCatalogFilter(jupyter, noFilter)).toBe(true);
    expect(matchesCatalogFilter(jupyter, { query: "JUPYTER", category: null })).toBe(true);
    expect(matchesCatalogFilter(jupyter, { query: "python notebooks", category: null })).toBe(true);
    expect(matchesCatalogFilter(jupyter, { query: "fur", category: null })).toBe(true);
    expect(matchesCatalogFilter(jupyter, { query: "python rust", category: null })).toBe(false);
    expect(matchesCatalogFilter(jupyter, { query: "   ", category: null })).toBe(true);
  });

  it("filters by the exact category", () => {
    expect(matchesCatalogFilter(jupyter, { query: "", category: "data science" })).toBe(true);
    expect(matchesCatalogFilter(jupyter, { query: "", category: "data" })).toBe(false);
    expect(matchesCatalogFilter(jupyter, { query: "jupyter", category: "databases" })).toBe(false);
  });

  it("treats hostile text as text: no pattern syntax, no markup, no crash", () => {
    for (const query of [".*", "(", "[a-z]+", "<script>", "' OR 1=1 --", "%", "\\", "\u0000", "🧪", "ｊｕｐｙｔｅｒ"]) {
      expect(() => matchesCatalogFilter(jupyter, { query, category: null })).not.toThrow();
    }
    expect(matchesCatalogFilter(jupyter, { query: ".*", category: null })).toBe(false);
    // Full-width letters fold to plain ones (NFKD), as people expect from a search box.
    expect(matchesCatalogFilter(jupyter, { query: "ｊｕｐｙｔｅｒ", category: null })).toBe(true);
  });
});

describe("parseCatalogFilter", () => {
  it("reads q and category, trimmed, missing ones empty", () => {
    expect(parseCatalogFilter({ q: "  python ", category: "databases" })).toEqual({ query: "python", category: "databases" });
    expect(parseCatalogFilter({})).toEqual({ query: "", category: null });
    expect(parseCatalogFilter({ category: "  " })).toEqual({ query: "", category: null });
  });

  it("takes the first of repeated values and cuts long text instead of failing", () => {
    expect(parseCatalogFilter({ q: ["a", "b"], category: ["x", "y"] })).toEqual({ query: "a", category: "x" });
    expect(parseCatalogFilter({ q: "x".repeat(10_000) }).query).toHaveLength(MAX_CATALOG_QUERY);
  });

  it("never throws, whatever arrives", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined))), (params) => {
        const filter = parseCatalogFilter(params);
        expect(filter.query.length).toBeLessThanOrEqual(MAX_CATALOG_QUERY);
      }),
    );
  });
});
