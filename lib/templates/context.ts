import { defaultHost, instanceNamespace } from "@/lib/domain/naming";
import type { CelScope } from "./cel";
import type { ComposedSpec } from "./inheritance";
import { describeParameters } from "./parameters";
import type { RenderContext } from "./render";
import { resolveConnectionUrl } from "./url";

/**
 * The one builder of what a template sees: the Liquid render context of its values and URL templates and the
 * CEL scope of its `!cel` values, for a launch, a pool member, a preview and validation alike. Whatever
 * differs between them is in the input (who, which uuid, which parameters), never in how it is built, so a
 * preview renders exactly what the same launch would.
 */

/** The person an instance is for, as templates may see them. */
export interface ScopeUser {
  username: string;
  displayName: string;
  email: string | null;
  groups: string[];
  claims: Record<string, string | string[]>;
}

export interface InstanceScopeInput {
  template: { name: string; displayName: string; version: number; labels: Record<string, string>; annotations: Record<string, string> };
  composed: Pick<ComposedSpec, "parameters" | "connectionUrlTemplate">;
  uuid: string;
  ownerKey: string | null;
  pooled: boolean;
  /** Null when nobody is known: an unclaimed pool member (anonymous until claimed) has no parameters or claims. */
  user: ScopeUser | null;
  params: Record<string, unknown>;
  /** The claims templates may read (the allow-list); every other claim stays out of the context. */
  exposedClaims: string[];
  settings: { baseDomain: string; connectionUrlTemplate: string | null; values: Record<string, unknown> };
}

export interface InstanceScope {
  namespace: string;
  host: string;
  url: string;
  context: RenderContext;
  cel: CelScope;
}

/**
 * Where an instance lives and what its templates see: namespace, host, connection URL (the template's URL
 * template, else the cluster-wide one, else `https://<template>-<uuid>.<baseDomain>/`), the render context
 * and the CEL scope. Every declared parameter and every allow-listed claim is present (null when not given),
 * so `{{ params.x | default: "y" }}` works while a misspelt name is still an "unknown variable".
 */
export async function buildInstanceScope(input: InstanceScopeInput): Promise<InstanceScope> {
  const { template, user, uuid } = input;
  const anonymous = user === null;
  const owner = input.ownerKey;
  const namespace = instanceNamespace({ ownerKey: input.ownerKey, template: template.name, uuid, pooled: input.pooled });
  const host = defaultHost(template.name, uuid, input.settings.baseDomain);
  const given: Record<string, unknown> = anonymous ? {} : { email: user.email, name: user.displayName, ...user.claims };
  const params = Object.fromEntries(describeParameters(input.composed.parameters).map((f) => [f.name, anonymous ? null : (input.params[f.name] ?? null)]));
  const claims = Object.fromEntries(input.exposedClaims.map((name) => [name, given[name] ?? null]));
  const contextFor = (url: string): RenderContext => ({
    owner,
    uuid,
    host,
    url,
    namespace,
    template: { name: template.name, version: template.version, displayName: template.displayName },
    params,
    claims,
    config: { values: input.settings.values },
  });
  const url = await resolveConnectionUrl({
    templateUrl: input.composed.connectionUrlTemplate,
    clusterUrl: input.settings.connectionUrlTemplate,
    context: contextFor(`https://${host}/`),
    defaultHost: host,
  });
  return {
    namespace,
    host,
    url,
    context: contextFor(url),
    cel: {
      user: anonymous ? { name: "", groups: [], email: "" } : { name: user.username, groups: user.groups, email: user.email ?? "" },
      workspace: { name: `${template.name}-${uuid}`, namespace, uuid },
      metadata: { name: template.name, version: template.version, owner: owner ?? "", namespace, labels: template.labels, annotations: template.annotations },
      template: { name: template.name, version: template.version },
    },
  };
}

/** The stand-in user of validation: templates are rendered for someone before anyone launches them. */
export const VALIDATION_USER: ScopeUser = {
  username: "validation-user",
  displayName: "Validation User",
  email: "validation@example.invalid",
  groups: ["validation-group"],
  claims: {},
};

/** The uuid of a render that creates nothing (validation and preview): a real instance never gets it. */
export const NO_INSTANCE_UUID = "00000000";
