import "server-only";
import { findInstanceDetail, listInstanceAudit } from "@/lib/db/instances";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { INSTANCE_UUID } from "@/lib/domain/naming";
import { assertCan } from "@/lib/domain/permissions";
import { toAdminEnvironmentDetail, type AdminEnvironmentDetail } from "./admin-view";

/**
 * One environment as admins read it: parameters, rendered values, Flux's last conditions and message, its
 * history (phases, steps and owners with their times, from the trigger on instances) and its audit trail.
 * Torn-down environments are found too: their history is what an admin comes for.
 */
export async function getInstanceDetail(identity: Identity | null, input: { uuid: unknown }): Promise<AdminEnvironmentDetail> {
  assertCan(identity, "instance:manage-any");
  const uuid = input?.uuid;
  const notFound = new AppError("NOT_FOUND", `There is no environment "${String(uuid).slice(0, 80)}".`);
  if (typeof uuid !== "string" || !INSTANCE_UUID.test(uuid)) throw notFound;
  const [row, audit] = await Promise.all([findInstanceDetail(uuid), listInstanceAudit(uuid)]);
  if (!row) throw notFound;
  return toAdminEnvironmentDetail(row, audit, new Date());
}
