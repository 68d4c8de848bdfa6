import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyCatalogPatch,
  catalogChanges,
  catalogInputSchema,
  catalogItemsInputSchema,
  catalogPatchSchema,
  catalogSlugProblem,
  contentOfInput,
  describeAudience,
  MAX_CATALOG_ITEMS,
  moveItem,
  slugFromTitle,
  type CatalogContent,
} from "@/lib/domain/catalog-rules";
import { fieldErrorsOf } from "@/lib/domain/field-errors";

const problems = (input: unknown) => {
  const parsed = catalogInputSchema.safeParse(input);
  return parsed.success ? {} : fieldErrorsOf(parsed.error, { unknown: "is not a field", root: "body" });
};

describe("a catalog's short name", () => {
  it("is made from the title: accents dropped, lowercase, one dash between words, at most 63 characters", () => {
    expect(slugFromTitle("Réseaux 2B — Lab 3!")).toBe("reseaux-2b-lab-3");
    expect(slugFromTitle("  --Hello   World--  ")).toBe("hello-world");
    expect(slugFromTitle("日本語")).toBe("");
    expect(slugFromTitle("New")).toBe("new-catalog");
    expect(slugFromTitle(`${"a".repeat(62)} b`)).toBe("a".repeat(62));
  });

  it("from any title, is empty or valid", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (title) => {
        const slug = slugFromTitle(title);
        expect(slug === "" || catalogSlugProblem(slug) === null).toBe(true);
      }),
    );
  });

  it("refuses what is not lowercase letters, digits and single inner dashes, too long, or reserved", () => {
    expect(catalogSlugProblem("lab-3")).toBeNull();
    for (const bad of ["Lab", "lab_3", "-lab", "lab-", "la--b", "lab 3", "<script>", "'; DROP TABLE catalogs;--", "{{ x }}", "läb"]) expect(catalogSlugProblem(bad), bad).toMatch(/lowercase/);
    expect(catalogSlugProblem("a".repeat(64))).toMatch(/At most 63/);
    expect(catalogSlugProblem("")).toMatch(/Enter/);
    expect(catalogSlugProblem("new")).toMatch(/reserved/);
  });
});

describe("a catalog's input", () => {
  const ok = { title: "Networks 2B", items: [{ template: "webterm", note: "use this for lab 3" }] };

  it("takes a title and fills the rest with defaults; the slug left out comes from the title", () => {
    const parsed = catalogInputSchema.parse(ok);
    expect(parsed).toEqual({ title: "Networks 2B", description: "", classes: [], groups: [], items: [{ template: "webterm", note: "use this for lab 3" }] });
    expect(contentOfInput(parsed).slug).toBe("networks-2b");
  });

  it("keeps unicode and markup in text as text", () => {
    const parsed = catalogInputSchema.parse({ ...ok, title: "<script>alert(1)</script> 日本 ✓", description: "'; DROP TABLE catalogs; --\n{{ owner }}" });
    expect(parsed.title).toBe("<script>alert(1)</script> 日本 ✓");
    expect(parsed.description).toBe("'; DROP TABLE catalogs; --\n{{ owner }}");
  });

  it("names each problem at its field", () => {
    expect(problems({})).toEqual({ title: ["Required."] });
    expect(problems({ title: 42 })).toEqual({ title: ["Enter text."] });
    expect(problems({ title: "   " })).toEqual({ title: ["Enter a title."] });
    expect(problems({ title: "x".repeat(101) })).toEqual({ title: ["At most 100 characters."] });
    expect(problems({ title: "two\nlines" }).title?.[0]).toMatch(/printable/);
    expect(problems({ title: "a\u202Eb" }).title?.[0]).toMatch(/printable/);
    expect(problems({ ...ok, slug: "Not A Slug" }).slug?.[0]).toMatch(/lowercase/);
    expect(problems({ ...ok, description: "x".repeat(2001) })).toEqual({ description: ["At most 2000 characters."] });
    expect(problems({ ...ok, description: "bell\u0007" }).description?.[0]).toMatch(/printable/);
    expect(problems({ ...ok, groups: "students" })).toEqual({ groups: ["Give the groups as a list."] });
    expect(problems({ ...ok, groups: [""] })).toEqual({ "groups.0": ["Enter a group name."] });
    expect(problems({ ...ok, groups: ["g".repeat(101)] })).toEqual({ "groups.0": ["At most 100 characters."] });
    expect(problems({ ...ok, groups: Array.from({ length: 21 }, (_, i) => `g${i}`) })).toEqual({ groups: ["At most 20 groups."] });
    expect(problems({ ...ok, classes: [42] })).toEqual({ "classes.0": ["Enter a class's short name."] });
    expect(problems({ ...ok, items: [{ template: "webterm", note: "n".repeat(301) }] })).toEqual({ "items.0.note": ["At most 300 characters."] });
    expect(problems({ ...ok, items: [{ template: "webterm", note: "line\nbreak" }] })["items.0.note"]?.[0]).toMatch(/printable/);
    expect(problems({ ...ok, items: [{ note: "x" }] })).toEqual({ "items.0.template": ["Required."] });
    expect(problems({ ...ok, items: [{ template: "a", extra: 1 }] })).toEqual({ "items.0.extra": ["is not a field"] });
    expect(problems({ ...ok, owner: "someone" })).toEqual({ owner: ["is not a field"] });
  });

  it("refuses a template listed twice, at its second place, and more than 100 templates", () => {
    expect(problems({ ...ok, items: [{ template: "a" }, { template: "b" }, { template: "a" }] })).toEqual({ "items.2.template": ['"a" is listed twice: keep it once.'] });
    const many = Array.from({ length: MAX_CATALOG_ITEMS + 1 }, (_, i) => ({ template: `t${i}` }));
    expect(problems({ ...ok, items: many })).toEqual({ items: ["At most 100 templates in a catalog."] });
    expect(catalogItemsInputSchema.safeParse({ items: many.slice(0, MAX_CATALOG_ITEMS) }).success).toBe(true);
  });

  it("counts a class or group named twice once", () => {
    expect(catalogInputSchema.parse({ ...ok, classes: ["a", "a", "b"], groups: ["g", "g"] })).toMatchObject({ classes: ["a", "b"], groups: ["g"] });
  });
});

describe("a change of a catalog", () => {
  const before: CatalogContent = { slug: "s", title: "T", description: "", classes: ["a", "b"], groups: ["g"], items: [{ template: "x", note: "" }, { template: "y", note: "" }] };

  it("patches only what it names", () => {
    const patch = catalogPatchSchema.parse({ title: "New title" });
    expect(applyCatalogPatch(before, patch)).toEqual({ ...before, title: "New title" });
  });

  it("lists what changed: item order counts, audience order does not", () => {
    expect(catalogChanges(before, { ...before, classes: ["b", "a"] })).toEqual([]);
    expect(catalogChanges(before, { ...before, items: [...before.items].reverse() })).toEqual(["items"]);
    expect(catalogChanges(before, { ...before, items: [before.items[0]!, { template: "y", note: "lab 3" }] })).toEqual(["items"]);
    expect(catalogChanges(before, { ...before, slug: "t", groups: [] })).toEqual(["slug", "groups"]);
  });
});

describe("moving an item", () => {
  it("moves one element and keeps the others in order", () => {
    expect(moveItem(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    expect(moveItem(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(moveItem(["a", "b", "c"], 1, 1)).toEqual(["a", "b", "c"]);
    expect(moveItem(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moveItem(["a", "b", "c"], 2, 9)).toEqual(["a", "b", "c"]);
    expect(moveItem(["a", "b", "c"], 5, 0)).toEqual(["a", "b", "c"]);
  });

  it("is a permutation whatever the positions", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 20 }), fc.integer({ min: -3, max: 25 }), fc.integer({ min: -3, max: 25 }), (list, from, to) => {
        const moved = moveItem(list, from, to);
        expect([...moved].sort()).toEqual([...list].sort());
        if (from >= 0 && from < list.length) expect(moved[Math.max(0, Math.min(list.length - 1, to))]).toBe(list[from]);
      }),
    );
  });
});

describe("an audience in words", () => {
  it("names the classes and groups that lose a catalog", () => {
    expect(describeAudience({ classes: ["2B Networks"], groups: [] })).toBe("members of the class 2B Networks");
    expect(describeAudience({ classes: ["A", "B", "C"], groups: ["g"] })).toBe("members of the classes A, B and C and of the group g");
    expect(describeAudience({ classes: [], groups: [] })).toBe("nobody (it has no audience)");
  });
});
