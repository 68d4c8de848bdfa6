import "server-only";
import { db, isUniqueViolation, type Prisma } from "@/lib/db/client";
import { recordAudit, actorColumns } from "@/lib/db/audit";
import { invalidateTemplateCache, loadLibrary, versionColumns } from "@/lib/db/templates";
import { readSettings } from "@/lib/db/settings";
import { AppError, toAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { findNul } from "@/lib/domain/text";
import { chainChecksum } from "@/lib/templates/checksum";
import { validateChain } from "@/lib/templates/compose";
import { resolveChain } from "@/lib/templates/inheritance";
import { parseVersionSpec, TEMPLATE_NAME, type VersionSpec } from "@/lib/templates/spec";
import { validationScope } from "./internal/validation";

export interface NewTemplate {
  name: string;
  displayName: string;
  description?: string;
  icon?: Prisma.TemplateCreateInput["icon"];
  category?: string;
  method?: "on_demand" | "pool";
  poolSize?: number;
  poolMaxSize?: number;
  ttlSeconds?: number;
  ttlExtendSeconds?: number;
  ttlMaxExtends?: number;
  visible?: boolean;
  enabled?: boolean;
  isBase?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  connectionType?: "web" | "instructions";
  connectionMessageTemplate?: string;
  spec: VersionSpec;
}

/** Creates a template with its first version, validated in full like every later save. */
export async function createTemplate(identity: Identity | null, input: NewTemplate) {
  assertCan(identity, "template:edit");
  const { spec: rawSpec, ...fields } = input;
  if (typeof input.name !== "string" || !TEMPLATE_NAME.test(input.name)) {
    throw new AppError("INVALID_INPUT", "Template names use lowercase letters, digits and dashes (at most 40 characters).", {
      name: ["lowercase letters, digits and dashes, starting and ending with a letter or digit"],
    });
  }
  const nul = findNul(fields);
  if (nul) throw new AppError("INVALID_INPUT", `${nul} must not contain a NUL character.`, { [nul]: ["must not contain a NUL character"] });
  let spec: VersionSpec;
  try {
    spec = parseVersionSpec(rawSpec);
  } catch (error) {
    throw toAppError(error);
  }
  const template = await db()
    .$transaction(async (tx) => {
    const template = await tx.template.create({ data: { ...fields, ownerId: null } });
    const library = await loadLibrary(tx);
    library.set(input.name, { id: template.id, name: input.name, isBase: template.isBase, method: template.method, spec, version: 0, checksum: "", baseChecksum: null });
    let baseChecksum: string | null;
    try {
      const chain = resolveChain(input.name, (n) => library.get(n));
      await validateChain(chain, template.method, validationScope(await readSettings(tx), input));
      baseChecksum = chainChecksum(chain);
    } catch (error) {
      throw toAppError(error);
    }
    await tx.templateVersion.create({
      data: { templateId: template.id, version: 1, authorId: actorColumns(identity).actorId, message: "Created", baseChecksum, ...versionColumns(spec) },
    });
    await recordAudit(tx, { actor: identity, action: "template.create", objectType: "template", objectId: template.id, after: { ...fields, spec } });
    return template;
  })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError("CONFLICT", `A template named "${input.name}" already exists (perhaps deleted).`, { name: ["is taken"] });
      throw error;
    });
  invalidateTemplateCache();
  return template;
}
