import { Liquid } from "liquidjs";

/**
 * The one way Envdeck makes a Liquid engine, for values, connection URL and connection message templates
 * alike. Every output goes through `outputEscape` (each kind of template escapes for where its text goes),
 * so whatever can skip it, or bring in text the author did not write, is taken away: the `raw` filter, and
 * the tags that read files (`include`, `render`, `layout`, `block` read from the working directory, where
 * the portal's own files are).
 */
export function createLiquid(options: {
  /** What the templates are called in error messages ("values templates"). */
  what: string;
  outputEscape?: (value: unknown) => string;
  /** Longest template text, in characters. */
  parseLimit: number;
  /** Longest render time, in milliseconds. */
  renderLimit: number;
  memoryLimit?: number;
}): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    parseLimit: options.parseLimit,
    renderLimit: options.renderLimit,
    memoryLimit: options.memoryLimit ?? 64 * 1024 * 1024,
    outputEscape: options.outputEscape,
  });
  // Aliases for the filter names of other template languages, so templates written for them read naturally.
  engine.registerFilter("upper", (v: unknown) => String(v ?? "").toUpperCase());
  engine.registerFilter("lower", (v: unknown) => String(v ?? "").toLowerCase());
  engine.registerFilter("trim", (v: unknown) => String(v ?? "").trim());
  engine.registerFilter("raw", () => {
    throw new Error(`the raw filter is not available in ${options.what}`);
  });
  for (const tag of ["include", "render", "layout", "block"]) {
    engine.registerTag(tag, {
      parse() {
        throw new Error(`the ${tag} tag is not available in ${options.what}`);
      },
      render() {
        return "";
      },
    });
  }
  return engine;
}
