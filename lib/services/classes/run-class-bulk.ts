import "server-only";
import { db } from "@/lib/db/client";
import { describeOutcomes } from "@/lib/domain/bulk-action";
import { classBulkQuestion, parseClassBulkRequest, type ClassBulkRequest } from "@/lib/domain/class-view";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { applyBulk, bulkCounts, planScopedBulk, toBulkItem, type BulkResult, type PlannedItem } from "@/lib/services/instances/internal/bulk";
import { readClassGrid, type ClassGrid } from "./internal/class-grid";
import { findTaughtClass } from "./internal/scope";

/** One environment of a teacher's bulk action: an extended one says until when. */
export type ClassBulkItem = BulkResult["items"][number] & { expiresAt: string | null };

export interface ClassBulkResult extends Omit<BulkResult, "items"> {
  items: ClassBulkItem[];
  /** True when nothing was done: the answer says what would happen (`dryRun`). */
  dryRun: boolean;
  /** The confirmation's question: "End 12 environments of Web Terminal?". */
  question: string;
}

export const INVALID_CLASS_BULK_MESSAGE = "This bulk action is not valid: nothing was changed.";
/** Why a uuid asked for is not acted on: the same words whether it exists elsewhere or not at all. */
export const OUT_OF_CLASS_REASON = "There is no such environment among this class's students and templates.";

const TRANSACTION_TIMEOUT_MS = 30_000;

function toClassItem(planned: PlannedItem): ClassBulkItem {
  return { ...toBulkItem(planned), expiresAt: planned.decision.outcome === "extended" ? planned.decision.expiresAt.toISOString() : null };
}

/** The uuids a selection names: as given, or the live environments of the students (all when null) of one template (all when null). */
function selectedUuids(grid: ClassGrid, request: ClassBulkRequest): { uuids: string[]; templateName: string | null } {
  const selection = request.selection;
  if ("uuids" in selection) return { uuids: selection.uuids, templateName: null };
  let template = null;
  if (selection.template) {
    template = grid.templates.find((t) => t.name === selection.template);
    if (!template) {
      const message = `This class has no template "${selection.template}" in its catalogs.`;
      throw new AppError("INVALID_INPUT", INVALID_CLASS_BULK_MESSAGE, { template: [message] });
    }
  }
  let students = grid.students;
  if (selection.students) {
    const byName = new Map(grid.students.map((s) => [s.username, s]));
    const unknown = selection.students.filter((name) => !byName.has(name));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 5).map((name) => `"${name.slice(0, 63)}"`).join(", ");
      throw new AppError("INVALID_INPUT", INVALID_CLASS_BULK_MESSAGE, { students: [`${shown}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ""}: not a student of this class`] });
    }
    students = selection.students.map((name) => byName.get(name)!);
  }
  const uuids = new Set<string>();
  for (const student of students) {
    for (const cell of student.cells) {
      if (template && cell.template.id !== template.id) continue;
      // A group-owned environment is listed once, however many of its group are picked.
      if (cell.instance && cell.instance.deletedAt === null) uuids.add(cell.instance.uuid);
    }
  }
  return { uuids: [...uuids], templateName: template?.displayName ?? null };
}

/**
 * Ends or extends environments of a class's students: the ones named by uuid, or those of the students picked
 * (every student when none) of one of the class's templates (all when none). Only the caller's classes
 * (admins: any); only the live environments of the class's members of the class's templates are acted on:
 * any other uuid asked for is reported as not found, never read or locked. With `dryRun` nothing is changed
 * and the answer is what would happen, with the count to confirm; otherwise `confirm` must be that count,
 * found again with the rows locked, or nothing is changed (CONFLICT). The admin's bulk engine does the rest:
 * the same decisions, the same audit entries, naming the teacher and the class.
 */
export async function runClassBulkAction(identity: Identity | null, input: { slug: unknown; body: unknown }): Promise<ClassBulkResult> {
  const scoped = await findTaughtClass(identity, input.slug);
  const parsed = parseClassBulkRequest(input.body);
  if (!parsed.ok) throw new AppError("INVALID_INPUT", INVALID_CLASS_BULK_MESSAGE, parsed.errors);
  const request = parsed.value;
  const grid = await readClassGrid(scoped);
  const { uuids, templateName } = selectedUuids(grid, request);
  const allowed = new Map([...grid.live].map(([uuid, { instance }]) => [uuid, instance.ownerKey]));
  const now = new Date();
  const options = { now, allowed, outOfScope: OUT_OF_CLASS_REASON };

  if (request.dryRun) {
    const planned = await planScopedBulk(db(), request.action, uuids, { ...options, lock: false });
    const counts = bulkCounts(planned);
    return {
      action: request.action,
      count: planned.length,
      counts,
      summary: describeOutcomes(request.action, counts, { planned: true }),
      items: planned.map(toClassItem),
      question: classBulkQuestion(request.action, planned.length, templateName),
      dryRun: true,
    };
  }
  return db().$transaction(
    async (tx) => {
      const planned = await planScopedBulk(tx, request.action, uuids, { ...options, lock: true });
      const count = planned.length;
      const question = classBulkQuestion(request.action, count, templateName);
      if (request.confirm !== count) {
        const message =
          request.confirm === null
            ? `${question} Nothing was changed: confirm with the count ("confirm": ${count}).`
            : `The selection now holds ${count} environment${count === 1 ? "" : "s"}, not ${request.confirm}: nothing was changed. Look again and confirm ${count}.`;
        throw new AppError("CONFLICT", message, { confirm: [message] });
      }
      const selection = "uuids" in request.selection ? { uuids } : { students: request.selection.students ?? "all", template: request.selection.template ?? "all", uuids };
      const isAdmin = identity!.roles.includes("admin");
      const counts = await applyBulk(
        tx,
        { identity: identity!, as: isAdmin ? "an administrator" : `a teacher of ${scoped.title}`, role: isAdmin ? "admin" : "teacher", context: { class: scoped.slug } },
        request.action,
        planned,
        { bulk: count > 1 || !("uuids" in request.selection), selection },
      );
      return { action: request.action, count, counts, summary: describeOutcomes(request.action, counts), items: planned.map(toClassItem), question, dryRun: false };
    },
    { timeout: TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_TIMEOUT_MS },
  );
}
