"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { findRendering, withRunningBadges } from "./catalog-renderings";

export const CATALOG_CARDS_ID = "catalog-cards";

/**
 * The catalog's cards, whose markup travels once per response. Markup passed as a prop travels twice on a page
 * load: as HTML, and again inside the page's RSC payload for hydration, where it was three fifths of the page
 * and most of what the server spent on it. So:
 * - On a page load the server passes only the content key and the caller's running templates. While the page
 *   is rendered to HTML on the server, the markup comes from the rendering the server component has just kept
 *   in this process (catalog-renderings.ts); in the browser the cards are already in the document, and
 *   hydration takes them from there. React never writes them again while the markup stays the same.
 * - On a navigation within the app (a wider search, a link from another page) no HTML is rendered, and the
 *   server passes the markup itself as `html`.
 * - When neither holds (the back button restores a page load's payload after its cards left the document, or
 *   the process dropped the rendering), the page is asked for again as a navigation.
 */
export function CatalogCards({ contentKey, running, html }: { contentKey: string; running: string[]; html?: string }) {
  const router = useRouter();
  // null: this page load's cards are not at hand.
  const [fromPageLoad] = useState<string | null>(() => {
    if (html !== undefined) return null;
    if (typeof window === "undefined") {
      const markup = findRendering(contentKey);
      return markup === undefined ? null : withRunningBadges(markup, running);
    }
    const element = document.getElementById(CATALOG_CARDS_ID);
    return element && !element.hasAttribute("data-missing") ? element.innerHTML : null;
  });
  const missing = html === undefined && fromPageLoad === null;
  useEffect(() => {
    if (missing) router.refresh();
  }, [missing, router]);
  return (
    <div
      id={CATALOG_CARDS_ID}
      className="catalog"
      data-missing={missing || undefined}
      aria-busy={missing || undefined}
      dangerouslySetInnerHTML={{ __html: html ?? fromPageLoad ?? "" }}
      suppressHydrationWarning
    />
  );
}
