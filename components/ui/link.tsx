// The one place the portal uses next/link: every other module imports this one.
// eslint-disable-next-line no-restricted-imports
import NextLink from "next/link";
import type { ComponentProps } from "react";

/**
 * The portal's links: Next.js's, followed within the app, but not prefetched. A link followed while its
 * prefetch was still on its way committed the page without its title (the tab showed a blank title; a
 * known Next.js problem, seen on a busy machine), and every page asked the server for each page its links
 * lead to as soon as they came into view: at the bell, two more requests per student for the catalog's header
 * alone. Following a link asks for its page then, and its loading state shows while it comes.
 */
export default function Link(props: ComponentProps<typeof NextLink>) {
  return <NextLink prefetch={false} {...props} />;
}
