/**
 * The catalog's rendered cards, by content key, shared by the two halves of a page render in one process: the
 * server component renders them (catalog-markup.ts) and the client component `CatalogCards` writes them into
 * the HTML. Kept on `globalThis` because the two halves load separate copies of every module. Holds markup
 * only: what an audience sees, the same for each of its members, with a marker where a caller's "Running"
 * badge goes.
 */

const STORE = Symbol.for("envdeck.catalog-renderings");
const MAX_RENDERINGS = 100;

function store(): Map<string, string> {
  const holder = globalThis as { [STORE]?: Map<string, string> };
  return (holder[STORE] ??= new Map());
}

export function findRendering(contentKey: string): string | undefined {
  return store().get(contentKey);
}

export function keepRendering(contentKey: string, markup: string): void {
  const renderings = store();
  if (renderings.size >= MAX_RENDERINGS) renderings.delete(renderings.keys().next().value!);
  renderings.set(contentKey, markup);
}

/** Where a card's "Running" badge goes, filled per request (see `withRunningBadges`). */
export const runningMarker = (name: string) => `<!--running:${name}-->`;

/** The shared markup with this caller's "Running" badges in place. */
export function withRunningBadges(markup: string, running: string[]): string {
  let result = markup;
  for (const name of running) {
    result = result.replaceAll(runningMarker(name), `<span class="running" title="You have this environment running: open it">Running</span>`);
  }
  return result;
}
