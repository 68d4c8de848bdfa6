import type { TemplateIcon as IconId } from "@/lib/domain/catalog";

/** Outline drawings for each catalog icon id, on a 24×24 grid. Unknown ids fall back to `default`. */
export const ICON_PATHS: Record<IconId, string> = {
  terminal: "M3.5 5h17v14h-17z M7 9.5l3 2.5-3 2.5 M12 15h5",
  desktop: "M3 4.5h18v11H3z M9 20h6 M12 15.5V20",
  code: "M8.5 7L3.5 12l5 5 M15.5 7l5 5-5 5 M13.5 5l-3 14",
  book: "M4 5.5c3-1 5.5-1 8 .8 2.5-1.8 5-1.8 8-.8v13c-3-1-5.5-1-8 .8-2.5-1.8-5-1.8-8-.8z M12 6.3v13.3",
  database:
    "M4.5 6c0-1.7 3.4-3 7.5-3s7.5 1.3 7.5 3-3.4 3-7.5 3-7.5-1.3-7.5-3z M4.5 6v12c0 1.7 3.4 3 7.5 3s7.5-1.3 7.5-3V6 M4.5 12c0 1.7 3.4 3 7.5 3s7.5-1.3 7.5-3",
  box: "M12 3l8 4.5v9L12 21l-8-4.5v-9z M4 7.5l8 4.5 8-4.5 M12 12v9",
  web: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M3 12h18 M12 3c2.5 2.6 3.7 5.6 3.7 9s-1.2 6.4-3.7 9c-2.5-2.6-3.7-5.6-3.7-9S9.5 5.6 12 3z",
  default: "M4 4h7v7H4z M13 4h7v7h-7z M4 13h7v7H4z M13 13h7v7h-7z",
};

export function TemplateIcon({ icon, className = "h-6 w-6" }: { icon: string; className?: string }) {
  const d = ICON_PATHS[icon as IconId] ?? ICON_PATHS.default;
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.6}
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      aria-hidden="true"
    >
      <path d={d} />
    </svg>
  );
}

const TILE_SIZES = { sm: "h-10 w-10", md: "h-11 w-11", lg: "h-12 w-12" } as const;

/** A template's icon on its tinted square, as cards and page headings show it. */
export function TemplateIconTile({ icon, size = "md" }: { icon: string; size?: keyof typeof TILE_SIZES }) {
  return (
    <span className={`grid ${TILE_SIZES[size]} shrink-0 place-items-center rounded-lg bg-brand-50 text-brand-600 dark:bg-slate-800 dark:text-brand-100`}>
      <TemplateIcon icon={icon} className={size === "lg" ? "h-7 w-7" : "h-6 w-6"} />
    </span>
  );
}
