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
