import "server-only";
import { defaultHost, instanceNamespace } from "@/lib/domain/naming";
import { buildRenderContext, type RenderContext } from "@/lib/templates";
import { resolveConnectionUrl } from "@/lib/templates/url";
import type { EngineSettings } from "./settings";

export interface InstanceAddress {
  namespace: string;
  host: string;
  url: string;
  /** The render context of the instance: what its values template and URL template see. */
  context: RenderContext;
}

/**
 * Where an instance lives and how it is reached: its namespace, host and connection URL (M5), plus the
 * render context built from them. Used at launch and by the worker for rows that lack an address.
 */
export async function addressInstance(input: {
  template: { name: string; displayName: string; version: number };
  uuid: string;
  ownerKey: string | null;
  pooled: boolean;
  parameterNames: string[];
  params: Record<string, unknown>;
  claims: Record<string, unknown>;
  exposedClaims: string[];
  urlTemplate: string | null;
  settings: Pick<EngineSettings, "baseDomain" | "connectionUrlTemplate" | "values">;
}): Promise<InstanceAddress> {
  const namespace = instanceNamespace({ ownerKey: input.ownerKey, template: input.template.name, uuid: input.uuid, pooled: input.pooled });
  const host = defaultHost(input.template.name, input.uuid, input.settings.baseDomain);
  const contextFor = (url: string) =>
    buildRenderContext({
      owner: input.ownerKey,
      uuid: input.uuid,
      host,
      url,
      namespace,
      template: input.template,
      parameterNames: input.parameterNames,
      params: input.params,
      exposedClaims: input.exposedClaims,
      claims: input.claims,
      configValues: input.settings.values,
    });
  const url = await resolveConnectionUrl({
    templateUrl: input.urlTemplate,
    clusterUrl: input.settings.connectionUrlTemplate,
    context: contextFor(`https://${host}/`),
    defaultHost: host,
  });
  return { namespace, host, url, context: contextFor(url) };
}
