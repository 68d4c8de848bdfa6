import "server-only";
import { listVersionSummaries, loadTemplate, type VersionSummary } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

export type { VersionSummary };

/** The version history of a template, newest first. */
export async function listTemplateVersions(identity: Identity | null, input: { name: string }): Promise<VersionSummary[]> {
  assertCan(identity, "template:edit");
  return listVersionSummaries((await loadTemplate({ name: input.name })).id);
}
