import "server-only";
import { recordAudit, actorColumns } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { LOCKS, POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { readSettings } from "@/lib/db/settings";
import { invalidateTemplateCache, loadLibrary, versionColumns } from "@/lib/db/templates";
import { AppError, toAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { chainChecksum, specChecksum } from "@/lib/templates/checksum";
import { validateChain } from "@/lib/templates/compose";
import { TemplateError } from "@/lib/templates/errors";
import { resolveChain, type TemplateLayer } from "@/lib/templates/inheritance";
import { parseVersionSpec, type VersionSpec } from "@/lib/templates/spec";
import { validationScope } from "./internal/validation";

export interface SaveResult {
  created: boolean;
  version: number;
  /** Templates that extend this one and were re-versioned with it. */
  cascaded: { name: string; version: number }[];
}

export interface SaveSpecInput {
  name: string;
  spec: unknown;
  message?: string;
}

/**
 * Saves a new deployable spec for a template: validated in full (schema, syntax, variables, a render for a
 * stand-in user, and every template that extends it), then stored as version n+1 with its checksum. An
 * unchanged spec creates no version. Templates that extend this one get a new version too, built on the new
 * base. A pool template with a new version wakes the worker's pool controller, which replaces its unclaimed
 * members with members of the new version.
 */
export async function saveTemplateSpec(identity: Identity | null, input: SaveSpecInput): Promise<SaveResult> {
  assertCan(identity, "template:edit");
  const { name, message = "" } = input;
  let spec: VersionSpec;
  try {
    spec = parseVersionSpec(input.spec);
  } catch (error) {
    throw toAppError(error);
  }
  if (typeof message !== "string" || message.length > 500) throw new AppError("INVALID_INPUT", "The change message is at most 500 characters.");
  if (message.includes("\u0000")) throw new AppError("INVALID_INPUT", "The change message must not contain a NUL character.");
  const result = await db().$transaction(async (tx) => {
    // One save at a time per portal: version numbers and cascades must not interleave.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.templateSave}::int)`;
    const library = await loadLibrary(tx);
    const current = library.get(name);
    if (!current) throw new AppError("NOT_FOUND", `There is no template named "${String(name).slice(0, 80)}".`);
    library.set(name, { ...current, spec });
    const settings = await readSettings(tx);

    const affected = [...library.values()].filter((entry) => {
      try {
        return resolveChain(entry.name, (n) => library.get(n)).some((layer) => layer.name === name);
      } catch {
        return entry.name === name;
      }
    });
    const created: { name: string; version: number }[] = [];
    for (const entry of affected) {
      let chain: TemplateLayer[];
      try {
        chain = resolveChain(entry.name, (n) => library.get(n));
        await validateChain(chain, entry.method, validationScope(settings, entry));
      } catch (error) {
        if (entry.name !== name && error instanceof TemplateError) {
          throw new AppError("INVALID_INPUT", `This change would break "${entry.name}", which extends it: ${error.message}`);
        }
        throw toAppError(error);
      }
      const checksum = specChecksum(entry.spec);
      const baseChecksum = chainChecksum(chain);
      if (checksum === entry.checksum && baseChecksum === entry.baseChecksum) continue;
      const version = entry.version + 1;
      await tx.templateVersion.create({
        data: {
          templateId: entry.id,
          version,
          authorId: actorColumns(identity).actorId,
          message: entry.name === name ? message : `Rebuilt on ${name} v${library.get(name)!.version + 1}`,
          baseChecksum,
          ...versionColumns(entry.spec),
        },
      });
      await tx.template.update({ where: { id: entry.id }, data: { validationError: null } });
      const before = entry.name === name ? current.spec : entry.spec;
      await recordAudit(tx, {
        actor: identity,
        action: "template.version",
        objectType: "template",
        objectId: entry.id,
        before: { version: entry.version, spec: before },
        after: { version, spec: entry.spec },
      });
      // The pool controller rolls the template's warm members forward to the new version (delivered at commit).
      if (entry.method === "pool") await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + entry.id})`;
      created.push({ name: entry.name, version });
    }
    const own = created.find((c) => c.name === name);
    return { created: own !== undefined, version: own?.version ?? current.version, cascaded: created.filter((c) => c.name !== name) };
  });
  invalidateTemplateCache();
  return result;
}
