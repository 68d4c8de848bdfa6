import "server-only";
import { stringify as toYaml } from "yaml";
import { loadTemplate } from "@/lib/db/templates";
import { toAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { renderFor } from "@/lib/templates/compose";
import { NO_INSTANCE_UUID } from "@/lib/templates/context";
import { describeParameters, launchParameters, type ParameterField } from "@/lib/templates/parameters";
import { ownerKeyForTemplate } from "@/lib/services/instances/internal/owned";

export interface TemplatePreview {
  version: number;
  parameters: ParameterField[];
  params: Record<string, unknown>;
  namespace: string;
  url: string;
  /** The connection message a launch would show, for templates that give instructions; null for web. */
  connectionMessage: string | null;
  values: Record<string, unknown>;
  valuesYaml: string;
}

/**
 * Renders a template's final values for the caller and the given parameters without launching anything: a
 * launch without the insert, so the same owner key, namespace rule, allow-listed claims, settings, host and
 * URL. The instance uuid is `00000000`, which no real instance gets. A pool template previews as the warm
 * member a launch would claim: anonymous.
 */
export async function previewTemplate(identity: Identity | null, input: { name: string; params?: unknown }): Promise<TemplatePreview> {
  assertCan(identity, "template:edit");
  const template = await loadTemplate({ name: input.name });
  try {
    if (template.error) throw template.error;
    const composed = template.composed;
    const pool = template.method === "pool";
    const params = pool ? {} : launchParameters(composed.parameters, input.params ?? {});
    const owner = pool ? null : { user: identity, ownerKey: ownerKeyForTemplate(identity, template) };
    const rendered = await renderFor({ ...template, composed }, { owner, params, uuid: NO_INSTANCE_UUID, exposedClaims: template.settings.exposedClaims });
    return {
      version: template.latest.version,
      parameters: describeParameters(composed.parameters),
      params,
      namespace: rendered.namespace,
      url: rendered.url,
      connectionMessage: rendered.connectionMessage,
      values: rendered.values,
      valuesYaml: toYaml(rendered.values),
    };
  } catch (error) {
    throw toAppError(error);
  }
}
