import { z } from "zod";
import { NOT_IN_TEXT, NOT_ON_A_LINE } from "./template-settings";

/**
 * The rules of a teacher's catalog (an ordered set of templates for classes or groups): its fields, its short
 * name, its ordered items and what a change is. Pure: the use cases in lib/services/catalogs check the same
 * input against the database (templates the caller may use, classes they teach, a slug not taken).
 */

export const MAX_CATALOG_TITLE = 100;
export const MAX_CATALOG_SLUG = 63;
export const MAX_CATALOG_DESCRIPTION = 2000;
export const MAX_CATALOG_NOTE = 300;
export const MAX_CATALOG_ITEMS = 100;
export const MAX_CATALOG_GROUPS = 20;
export const MAX_CATALOG_GROUP = 100;
export const MAX_CATALOG_CLASSES = 50;

/** Lowercase letters, digits and single dashes inside; it is the catalog's address (/teach/catalogs/{slug}). */
export const CATALOG_SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Words the editor's own routes use. */
export const RESERVED_CATALOG_SLUGS = ["new"] as const;
const SLUG_RULE = "Use lowercase letters, digits and dashes (not at the start or end, not two in a row).";

/** A short name from a title: accents dropped, lowercase, anything else one dash; empty when nothing is left. */
export function slugFromTitle(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_CATALOG_SLUG)
    .replace(/-+$/, "");
  return (RESERVED_CATALOG_SLUGS as readonly string[]).includes(slug) ? `${slug}-catalog` : slug;
}

/** What is wrong with a short name, or null. */
export function catalogSlugProblem(slug: string): string | null {
  if (slug.length === 0) return "Enter a short name.";
  if (slug.length > MAX_CATALOG_SLUG) return `At most ${MAX_CATALOG_SLUG} characters.`;
  if (!CATALOG_SLUG.test(slug)) return SLUG_RULE;
  if ((RESERVED_CATALOG_SLUGS as readonly string[]).includes(slug)) return `"${slug}" is reserved: choose another short name.`;
  return null;
}

const typed = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? "Required." : what) });

const title = z
  .string(typed("Enter text."))
  .trim()
  .min(1, { error: "Enter a title." })
  .max(MAX_CATALOG_TITLE, { error: `At most ${MAX_CATALOG_TITLE} characters.` })
  .refine((text) => !NOT_ON_A_LINE.test(text), { error: "Use printable characters only: no line breaks or control characters." });

const slug = z
  .string(typed("Enter text."))
  .trim()
  .superRefine((text, ctx) => {
    const problem = catalogSlugProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({ pattern: CATALOG_SLUG.source, maxLength: MAX_CATALOG_SLUG, description: 'Lowercase letters, digits and dashes; unique among catalogs, deleted ones included; not "new".' });

const description = z
  .string(typed("Enter text."))
  .transform((text) => text.replace(/\r\n?/g, "\n").trim())
  .pipe(
    z
      .string()
      .max(MAX_CATALOG_DESCRIPTION, { error: `At most ${MAX_CATALOG_DESCRIPTION} characters.` })
      .refine((text) => !NOT_IN_TEXT.test(text), { error: "Use printable characters only (line breaks are fine)." }),
  );

const note = z
  .string(typed("Enter text."))
  .trim()
  .max(MAX_CATALOG_NOTE, { error: `At most ${MAX_CATALOG_NOTE} characters.` })
  .refine((text) => !NOT_ON_A_LINE.test(text), { error: "Use printable characters only: no line breaks or control characters." });

const group = z
  .string(typed("Enter text."))
  .trim()
  .min(1, { error: "Enter a group name." })
  .max(MAX_CATALOG_GROUP, { error: `At most ${MAX_CATALOG_GROUP} characters.` })
  .refine((text) => !NOT_ON_A_LINE.test(text), { error: "Use printable characters only: no line breaks or control characters." });

/** A class of the audience, by its short name (as in /teach/classes/{slug}). */
const classSlug = z.string(typed("Enter a class's short name.")).min(1, { error: "Enter a class's short name." }).max(40, { error: "No class has a short name this long." });

export const catalogItemSchema = z.strictObject({
  template: z.string(typed("Enter a template's name.")).min(1, { error: "Choose a template." }).max(63, { error: "No template has a name this long." }).describe("The template's name."),
  note: note.optional().default("").describe(`Shown to students under the template ("use this for lab 3"); at most ${MAX_CATALOG_NOTE} characters.`),
});

/** The ordered templates of a catalog: each once, at most MAX_CATALOG_ITEMS. */
export const catalogItemsSchema = z
  .array(catalogItemSchema, typed("Give the templates as a list."))
  .max(MAX_CATALOG_ITEMS, { error: `At most ${MAX_CATALOG_ITEMS} templates in a catalog.` })
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.template)) ctx.addIssue({ code: "custom", path: [i, "template"], message: `"${item.template}" is listed twice: keep it once.` });
      seen.add(item.template);
    });
  })
  .describe("The templates in the order students see them.");

const classes = z
  .array(classSlug, typed("Give the classes as a list."))
  .max(MAX_CATALOG_CLASSES, { error: `At most ${MAX_CATALOG_CLASSES} classes.` })
  .transform((list) => [...new Set(list)])
  .describe("The classes whose members see it, by short name.");

const groups = z
  .array(group, typed("Give the groups as a list."))
  .max(MAX_CATALOG_GROUPS, { error: `At most ${MAX_CATALOG_GROUPS} groups.` })
  .transform((list) => [...new Set(list)])
  .describe("Identity-provider groups whose members see it.");

export const catalogFields = { title, slug, description, classes, groups, items: catalogItemsSchema };

/** A whole catalog, as the editor saves it and `POST`/`PUT` take it; a slug left out is made from the title. */
export const catalogInputSchema = z.strictObject({
  title,
  slug: slug.optional(),
  description: description.optional().default(""),
  classes: classes.optional().default([]),
  groups: groups.optional().default([]),
  items: catalogItemsSchema.optional().default([]),
});
export type CatalogInput = z.output<typeof catalogInputSchema>;

/** Some fields of a catalog (`PATCH`): those left out stay as they are. */
export const catalogPatchSchema = z.strictObject({
  title: title.optional(),
  slug: slug.optional(),
  description: description.optional(),
  classes: classes.optional(),
  groups: groups.optional(),
  items: catalogItemsSchema.optional(),
});
export type CatalogPatch = z.output<typeof catalogPatchSchema>;

export const catalogItemsInputSchema = z.strictObject({ items: catalogItemsSchema });

/** A catalog as it is saved and audited: everything a student's view depends on, classes and templates by name. */
export interface CatalogContent {
  slug: string;
  title: string;
  description: string;
  classes: string[];
  groups: string[];
  items: { template: string; note: string }[];
}

/** The content after a patch; a slug left out of a whole input is the title's. */
export function applyCatalogPatch(before: CatalogContent, patch: CatalogPatch): CatalogContent {
  return {
    slug: patch.slug ?? before.slug,
    title: patch.title ?? before.title,
    description: patch.description ?? before.description,
    classes: patch.classes ?? before.classes,
    groups: patch.groups ?? before.groups,
    items: patch.items ?? before.items,
  };
}

/** The content of a whole input: a slug left out is made from the title (and must then be valid too). */
export function contentOfInput(input: CatalogInput): CatalogContent {
  return { ...input, slug: input.slug ?? slugFromTitle(input.title) };
}

/** Which parts changed, by name; empty when nothing did. */
export function catalogChanges(before: CatalogContent, after: CatalogContent): (keyof CatalogContent)[] {
  const keys: (keyof CatalogContent)[] = ["slug", "title", "description", "classes", "groups", "items"];
  // Audience order means nothing; item order is the point of a catalog.
  const norm = (key: keyof CatalogContent, value: CatalogContent[keyof CatalogContent]) =>
    JSON.stringify(key === "classes" || key === "groups" ? [...(value as string[])].sort() : value);
  return keys.filter((key) => norm(key, before[key]) !== norm(key, after[key]));
}

/** `list` with the element at `from` moved to `to` (both clamped); the same list when nothing moves. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const copy = [...list];
  if (from < 0 || from >= copy.length) return copy;
  const target = Math.max(0, Math.min(copy.length - 1, to));
  if (target === from) return copy;
  const [moved] = copy.splice(from, 1);
  copy.splice(target, 0, moved!);
  return copy;
}

/** Who loses a catalog when it is deleted, in words: "members of 2B Networks and the group students-2b". */
export function describeAudience(audience: { classes: string[]; groups: string[] }): string {
  const parts: string[] = [];
  if (audience.classes.length) parts.push(`${audience.classes.length === 1 ? "the class" : "the classes"} ${joinWords(audience.classes)}`);
  if (audience.groups.length) parts.push(`${audience.groups.length === 1 ? "the group" : "the groups"} ${joinWords(audience.groups)}`);
  return parts.length ? `members of ${parts.join(" and of ")}` : "nobody (it has no audience)";
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}
