import "server-only";
import { loadTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { asAppError, checkNewTemplate } from "./create-template";
import { insertTemplate } from "./internal/insert-template";

export interface DuplicateInput {
  /** The template copied. */
  source: unknown;
  name: unknown;
  /** Empty: the source's display name with "(copy)". */
  displayName?: unknown;
}

/**
 * Copies a template under a new name: its operational fields, and its latest spec as the copy's version 1
 * (history stays with the original). The copy is a system template whoever owned the original, and is
 * validated anew like any new template.
 */
export async function duplicateTemplate(identity: Identity | null, input: DuplicateInput) {
  assertCan(identity, "template:edit");
  if (typeof input?.source !== "string") throw new AppError("INVALID_INPUT", "Choose the template to copy.", { source: ["is required"] });
  const source = await loadTemplate({ name: input.source });
  const displayName = typeof input.displayName === "string" && input.displayName.trim() !== "" ? input.displayName : `${source.displayName.slice(0, 93)} (copy)`;
  const draft = checkNewTemplate({
    fields: {
      name: input.name,
      displayName,
      description: source.description,
      icon: source.icon,
      category: source.category,
      enabled: source.enabled,
      visible: source.visible,
      isBase: source.isBase,
      labels: source.labels,
      annotations: source.annotations,
      engine: source.engine,
      method: source.method,
      poolSize: source.poolSize,
      poolMaxSize: source.poolMaxSize,
      poolRecycle: source.poolRecycle,
      poolFallback: source.poolFallback,
      ttlSeconds: source.ttlSeconds,
      ttlExtendSeconds: source.ttlExtendSeconds,
      ttlMaxExtends: source.ttlMaxExtends,
      maxInstancesPerUser: source.maxInstancesPerUser,
      connectionType: source.connectionType,
      connectionMessageTemplate: source.connectionMessageTemplate,
    },
    spec: source.latest.spec,
  });
  return insertTemplate(identity, draft, {
    action: "template.duplicate",
    message: `Duplicated from ${source.name} v${source.latest.version}`,
    origin: { source: { name: source.name, version: source.latest.version } },
  }).catch(asAppError);
}
