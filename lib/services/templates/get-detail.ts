import "server-only";
import { listVersionSummaries, loadTemplate, type VersionSummary } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { pickTemplateSettings, type TemplateSettings } from "@/lib/domain/template-settings";
import { specText } from "@/lib/templates/checksum";
import type { VersionSpec } from "@/lib/templates/spec";

export interface TemplateDetail {
  name: string;
  displayName: string;
  method: "on_demand" | "pool";
  isBase: boolean;
  validationError: string | null;
  version: number;
  spec: VersionSpec;
  specYaml: string;
  versions: VersionSummary[];
  /** The operational settings, as the settings form edits them. */
  settings: TemplateSettings;
  /** The quota that applies when the template sets none (the setting's value now). */
  defaultQuota: number;
}

/** Everything the admin page of one template shows. */
export async function getTemplateDetail(identity: Identity | null, input: { name: string }): Promise<TemplateDetail> {
  assertCan(identity, "template:edit");
  const template = await loadTemplate({ name: input.name });
  const versions = await listVersionSummaries(template.id);
  const { spec } = template.latest;
  return {
    name: template.name,
    displayName: template.displayName,
    method: template.method,
    isBase: template.isBase,
    validationError: template.validationError ?? template.error?.message ?? null,
    version: template.latest.version,
    spec,
    specYaml: specText(spec),
    versions,
    settings: pickTemplateSettings(template),
    defaultQuota: template.settings.defaultQuota,
  };
}
