import "server-only";
import { getConfig } from "@/lib/config";
import type { Prisma } from "@/lib/db/client";
import { findInstance, findLiveInstance, type InstanceRow } from "@/lib/db/instances";
import { loadTemplate } from "@/lib/db/templates";
import { AppError, toAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { INSTANCE_UUID } from "@/lib/domain/naming";
import { ownerKeyFor, ownerKeysOf } from "@/lib/domain/owner-key";
import { can } from "@/lib/domain/permissions";

/**
 * The one place that decides whether a caller may touch an instance. An instance is the caller's when its
 * owner key is one of theirs (username, groups, allow-listed claims); admins may act on any. A foreign
 * instance, one being deleted and a missing one are reported alike, so nobody can probe for other people's
 * environments, and every path (by uuid or by template name) agrees on what is gone.
 */

/** Names an instance: by uuid, or by template name meaning "my live instance of that template". */
export type InstanceRef = { uuid: string } | { template: string };

function notFound(ref: InstanceRef): AppError {
  return "uuid" in ref
    ? new AppError("NOT_FOUND", `There is no environment "${String(ref.uuid).slice(0, 80)}" of yours.`)
    : new AppError("NOT_FOUND", `You have no running "${String(ref.template).slice(0, 80)}" environment.`);
}

function isTheirs(identity: Identity, row: InstanceRow): boolean {
  if (row.deletedAt || !row.ownerKey || row.phase === "Expiring") return false;
  return can(identity, "instance:manage-any") || ownerKeysOf(identity).includes(row.ownerKey);
}

/** The owner key a template gives the caller: by its composed owner claim, which a base may set. */
export function ownerKeyForTemplate(identity: Identity, template: { composed: { ownerClaim: string } | null; latest: { spec: { ownerClaim: string } } }): string {
  try {
    return ownerKeyFor(identity, template.composed?.ownerClaim ?? template.latest.spec.ownerClaim, getConfig().oidc?.claims.username);
  } catch (error) {
    throw toAppError(error);
  }
}

/**
 * Finds an instance the caller may act on, or NOT_FOUND. Loads the template for a name on connections of its
 * own: call it before a transaction's locks, then lock with `lockOwnedInstance`.
 */
export async function findOwnedInstance(identity: Identity, ref: InstanceRef): Promise<InstanceRow> {
  let row: InstanceRow | null;
  if ("uuid" in ref) {
    if (typeof ref.uuid !== "string" || !INSTANCE_UUID.test(ref.uuid)) throw notFound(ref);
    row = await findInstance(ref.uuid);
  } else {
    row = await findLiveInstanceOf(identity, await loadTemplate({ name: ref.template }));
  }
  if (!row || !isTheirs(identity, row)) throw notFound(ref);
  return row;
}

type OwnedTemplate = Parameters<typeof ownerKeyForTemplate>[1] & { id: string };

/** The caller's live instance of a loaded template, or null. */
export async function findLiveInstanceOf(identity: Identity, template: OwnedTemplate): Promise<InstanceRow | null> {
  return findLiveInstance(template.id, ownerKeyForTemplate(identity, template));
}

/**
 * Locks an instance found by `findOwnedInstance` for the rest of `tx` and reads it again: a concurrent
 * extend or release may have changed it meanwhile (a released pool member may no longer be theirs).
 */
export async function lockOwnedInstance(identity: Identity, found: InstanceRow, tx: Prisma.TransactionClient): Promise<InstanceRow> {
  await tx.$executeRaw`SELECT 1 FROM instances WHERE id = ${found.id}::uuid FOR UPDATE`;
  const row = await findInstance(found.uuid, tx);
  if (!row || !isTheirs(identity, row)) throw notFound({ uuid: found.uuid });
  return row;
}
