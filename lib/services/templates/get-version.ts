import "server-only";
import { findVersionSpec, listVersionSummaries, loadTemplate, type VersionSummary } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import type { VersionSpec } from "@/lib/templates/spec";

export interface TemplateVersionDetail extends VersionSummary {
  spec: VersionSpec;
}

/** One version of a template: who saved it, when and why, and its spec. */
export async function getTemplateVersion(identity: Identity | null, input: { name: string; version: number }): Promise<TemplateVersionDetail> {
  assertCan(identity, "template:edit");
  const { name, version } = input;
  if (!Number.isSafeInteger(version) || version < 1) throw new AppError("INVALID_INPUT", "Versions are whole numbers from 1.", { version: ["is a whole number from 1"] });
  const template = await loadTemplate({ name });
  const [summaries, spec] = await Promise.all([listVersionSummaries(template.id), findVersionSpec(template.id, version)]);
  const summary = summaries.find((s) => s.version === version);
  if (!summary || !spec) throw new AppError("NOT_FOUND", `Template "${name}" has no version ${version}.`);
  return { ...summary, spec };
}
