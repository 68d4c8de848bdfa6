import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { isInstanceUuid } from "@/lib/domain/class-view";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { RUNNING_PHASES } from "@/lib/domain/phase";
import { readClassGrid } from "./internal/class-grid";
import { findTaughtClass } from "./internal/scope";

const notFound = () => new AppError("NOT_FOUND", "There is no such environment among this class's students and templates.");

/**
 * A teacher opens a student's environment: allowed only for a live environment the class view shows (a member
 * of a class the caller teaches, a template of its catalogs) whose template lets teachers open their students'
 * environments, once it is ready. Audited as `instance.open` (the teacher, the environment, its students and
 * the class) before the caller is sent to its address; every refusal records and changes nothing.
 */
export async function openStudentInstance(identity: Identity | null, input: { slug: unknown; uuid: unknown }): Promise<{ url: string }> {
  const scoped = await findTaughtClass(identity, input.slug);
  if (!isInstanceUuid(input.uuid)) throw notFound();
  const grid = await readClassGrid(scoped);
  const entry = grid.live.get(input.uuid);
  if (!entry) throw notFound();
  const { instance, template, students } = entry;
  if (!template.teacherAccess) {
    throw new AppError(
      "FORBIDDEN",
      `Teachers may not open environments of ${template.displayName}. An administrator can allow it in the template's settings ("Teachers may open their students' environments").`,
    );
  }
  if (!RUNNING_PHASES.includes(instance.phase) || !instance.url) {
    throw new AppError("CONFLICT", `This environment is not ready to open (it is ${instance.phase === "Expiring" ? "being ended" : instance.phase === "Failed" ? "failed" : "still starting"}).`);
  }
  await recordAudit(db(), {
    actor: identity!,
    action: "instance.open",
    objectType: "instance",
    objectId: instance.uuid,
    after: { class: scoped.slug, template: template.name, owner: instance.ownerKey, students: students.map((s) => s.username) },
  });
  return { url: instance.url };
}
