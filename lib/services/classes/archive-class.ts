import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { classColumns } from "@/lib/db/classes";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { auditedClass, type ClassView, parseClassInput, slugOf, toClassView } from "./internal/classes";
import { findTaughtClass } from "./internal/scope";

const archiveSchema = z.strictObject({ slug: z.unknown(), archived: z.boolean({ error: "Say whether to archive (true) or bring back (false)." }) });

/**
 * Archives a class or brings it back. An archived class is hidden from its students' catalogs and cannot be
 * joined; nothing ends: its members, teachers, catalogs and running environments stay as they are.
 */
export async function archiveClass(identity: Identity | null, input: unknown): Promise<{ changed: boolean; class: ClassView }> {
  assertCan(identity, "class:manage");
  const scoped = await findTaughtClass(identity, slugOf(input));
  const { archived } = parseClassInput(archiveSchema, input);
  return db().$transaction(async (tx) => {
    const before = await tx.class.findUniqueOrThrow({ where: { id: scoped.id }, select: classColumns });
    if ((before.archivedAt !== null) === archived) return { changed: false, class: toClassView(before) };
    const after = await tx.class.update({ where: { id: scoped.id }, data: { archivedAt: archived ? new Date() : null }, select: classColumns });
    await recordAudit(tx, {
      actor: identity,
      action: archived ? "class.archive" : "class.unarchive",
      objectType: "class",
      objectId: scoped.id,
      before: auditedClass(before),
      after: auditedClass(after),
    });
    return { changed: true, class: toClassView(after) };
  });
}
