import { TemplateError } from "./errors";
import { createLiquid } from "./liquid";
import type { RenderContext } from "./render";

/**
 * Connection URLs: the template's URL template, else the cluster-wide one, else
 * `https://<template>-<uuid>.<baseDomain>`. A URL template is Liquid with the values context; every output is
 * percent-encoded except unreserved characters, so a value can fill a host label or a path segment but never
 * add a scheme, a user part, another host or a query of its own.
 */

export const MAX_URL_TEMPLATE = 2048;

const engine = createLiquid({
  what: "connection URL templates",
  parseLimit: MAX_URL_TEMPLATE,
  renderLimit: 200,
  outputEscape: (value: unknown) =>
    String(value ?? "").replace(/[^A-Za-z0-9._~-]/g, (c) =>
      Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
    ),
});

/** Checks a URL template's syntax; throws a TemplateError naming `path`. */
export function checkUrlTemplate(source: string, path = "connectionUrlTemplate"): void {
  if (source.length > MAX_URL_TEMPLATE) throw new TemplateError("size", [{ path, message: `must be at most ${MAX_URL_TEMPLATE} characters` }]);
  try {
    engine.parse(source);
  } catch (error) {
    throw new TemplateError("syntax", [{ path, message: (error as Error).message }]);
  }
}

/** Renders a URL template and checks that the result is an http(s) URL. */
export async function renderUrlTemplate(source: string, context: RenderContext, path = "connectionUrlTemplate"): Promise<string> {
  checkUrlTemplate(source, path);
  let text: string;
  try {
    text = (await engine.parseAndRender(source, context as unknown as Record<string, unknown>)).trim();
  } catch (error) {
    throw new TemplateError("render", [{ path, message: (error as Error).message }]);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TemplateError("render", [{ path, message: `the connection URL "${text.slice(0, 200)}" is not a valid URL` }]);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TemplateError("render", [{ path, message: "the connection URL must start with https:// or http://" }]);
  }
  return url.toString();
}

/** Picks and renders the connection URL by precedence: the template's, the cluster-wide one, the default. */
export async function resolveConnectionUrl(input: {
  templateUrl: string | null | undefined;
  clusterUrl: string | null | undefined;
  context: RenderContext;
  defaultHost: string;
}): Promise<string> {
  if (input.templateUrl) return renderUrlTemplate(input.templateUrl, input.context);
  if (input.clusterUrl) return renderUrlTemplate(input.clusterUrl, input.context, "settings.connectionUrlTemplate");
  return `https://${input.defaultHost}/`;
}
