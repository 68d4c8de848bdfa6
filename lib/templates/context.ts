import type { RenderContext } from "./render";

/**
 * Builds the render context. Every declared parameter and every allow-listed claim is present (null when not
 * given), so `{{ params.x | default: "y" }}` works while a misspelt name is still an "unknown variable".
 */
export function buildRenderContext(input: {
  owner: string | null;
  uuid: string;
  host: string;
  url: string;
  namespace: string;
  template: RenderContext["template"];
  parameterNames: string[];
  params: Record<string, unknown>;
  exposedClaims: string[];
  claims: Record<string, unknown>;
  configValues: Record<string, unknown>;
}): RenderContext {
  const params = Object.fromEntries(input.parameterNames.map((name) => [name, input.params[name] ?? null]));
  const claims = Object.fromEntries(input.exposedClaims.map((name) => [name, input.claims[name] ?? null]));
  return {
    owner: input.owner,
    uuid: input.uuid,
    host: input.host,
    url: input.url,
    namespace: input.namespace,
    template: input.template,
    params,
    claims,
    config: { values: input.configValues },
  };
}
