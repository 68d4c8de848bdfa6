/** Icons a template may use in the catalog; anything else shows the default icon. */
export const TEMPLATE_ICONS = ["terminal", "desktop", "code", "book", "database", "box", "web", "default"] as const;
export type TemplateIcon = (typeof TEMPLATE_ICONS)[number];

/** Splits a `"category,subcategory"` string; a blank category files the template under "Other". */
export function parseCategory(category: string): { category: string; subcategory: string | null } {
  const [main, sub] = category.split(",").map((part) => part.trim());
  return { category: main || "Other", subcategory: sub || null };
}

/** A TTL in seconds as people say it: "4 hours", "90 minutes", "unlimited". */
export function describeTtl(seconds: number): string {
  if (seconds < 0) return "unlimited";
  if (seconds % 86400 === 0 && seconds >= 86400) return plural(seconds / 86400, "day");
  if (seconds % 3600 === 0 && seconds >= 3600) return plural(seconds / 3600, "hour");
  if (seconds >= 60) return plural(Math.round(seconds / 60), "minute");
  return plural(seconds, "second");
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** What a catalog can be narrowed by: free text and one category. */
export interface CatalogFilter {
  query: string;
  category: string | null;
}

/** Lowercased, accents removed, so "jupyter" finds "Jupyter" and "donnees" finds "données". */
export function foldText(text: string): string {
  return text.normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase();
}

/** Longest search text considered; longer input is cut, never an error. */
export const MAX_CATALOG_QUERY = 100;

/** Reads a filter from search parameters, whatever shape they arrive in (repeated, missing, huge). */
export function parseCatalogFilter(params: Record<string, string | string[] | undefined>): CatalogFilter {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";
  const query = first(params.q).trim().slice(0, MAX_CATALOG_QUERY);
  const category = first(params.category).trim().slice(0, MAX_CATALOG_QUERY);
  return { query, category: category || null };
}

/** Whether an entry matches every word of the query (in its name, description or categories) and the category. */
export function matchesCatalogFilter(
  entry: { name: string; displayName: string; description: string; category: string; subcategory: string | null },
  filter: CatalogFilter,
): boolean {
  if (filter.category !== null && entry.category !== filter.category) return false;
  const words = foldText(filter.query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = foldText([entry.displayName, entry.name, entry.description, entry.category, entry.subcategory ?? ""].join(" "));
  return words.every((word) => haystack.includes(word));
}

/** Words that are written in capitals (or their own way) wherever they appear in a category name. */
const SPECIAL_WORDS: Record<string, string> = {
  ai: "AI",
  api: "API",
  apis: "APIs",
  cad: "CAD",
  ci: "CI",
  css: "CSS",
  gpu: "GPU",
  html: "HTML",
  ide: "IDE",
  ides: "IDEs",
  ml: "ML",
  nosql: "NoSQL",
  os: "OS",
  sql: "SQL",
  vm: "VM",
  vms: "VMs",
};

/**
 * A category or subcategory as people read it: first letter capitalised and known acronyms in capitals
 * ("data science" → "Data science", "sql" → "SQL"), whatever case it was stored in otherwise.
 */
export function displayCategory(name: string): string {
  const words = name.split(/(\s+)/).map((word) => SPECIAL_WORDS[word.toLowerCase()] ?? word);
  const text = words.join("");
  return text.charAt(0).toLocaleUpperCase("en") + text.slice(1);
}
