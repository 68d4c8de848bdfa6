import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { parseClassInput, slugOf, usernameInput } from "./internal/classes";
import { findTaughtClass } from "./internal/scope";

const teacherSchema = z.strictObject({ slug: z.unknown(), username: usernameInput });

/**
 * Removes a teacher from a class, themselves included; a class always keeps at least one teacher. The class
 * row is locked while counting, so two teachers removing each other at once cannot leave it with none.
 */
export async function removeTeacher(identity: Identity | null, input: unknown): Promise<{ username: string }> {
  assertCan(identity, "class:manage");
  const scoped = await findTaughtClass(identity, slugOf(input));
  const { username } = parseClassInput(teacherSchema, input);
  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM classes WHERE id = ${scoped.id}::uuid FOR UPDATE`;
    const teachers = await tx.classTeacher.findMany({ where: { classId: scoped.id }, select: { userId: true, user: { select: { username: true } } } });
    const leaving = teachers.find((t) => t.user.username === username);
    if (!leaving) throw new AppError("NOT_FOUND", `${username} does not teach this class.`, { username: [`${username} does not teach this class.`] });
    if (teachers.length === 1) throw new AppError("CONFLICT", "A class always keeps at least one teacher: add another teacher before removing this one.");
    await tx.classTeacher.delete({ where: { classId_userId: { classId: scoped.id, userId: leaving.userId } } });
    await recordAudit(tx, { actor: identity, action: "class.teacher.remove", objectType: "class", objectId: scoped.id, before: { slug: scoped.slug, teacher: username } });
    return { username };
  });
}
