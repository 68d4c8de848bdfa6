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

/** Adds a co-teacher by username; the account must hold the teacher role. Adding a teacher twice changes nothing. */
export async function addTeacher(identity: Identity | null, input: unknown): Promise<{ changed: boolean; username: string }> {
  assertCan(identity, "class:manage");
  const scoped = await findTaughtClass(identity, slugOf(input));
  const { username } = parseClassInput(teacherSchema, input);
  return db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { username }, select: { id: true, roles: true, disabledAt: true } });
    if (!user) throw new AppError("NOT_FOUND", `There is no account named ${username}.`, { username: [`There is no account named ${username}.`] });
    if (!user.roles.includes("teacher")) throw new AppError("INVALID_INPUT", `${username} is not a teacher: only teachers can teach a class.`, { username: [`${username} is not a teacher.`] });
    const existing = await tx.classTeacher.findUnique({ where: { classId_userId: { classId: scoped.id, userId: user.id } } });
    if (existing) return { changed: false, username };
    await tx.classTeacher.create({ data: { classId: scoped.id, userId: user.id } });
    await recordAudit(tx, { actor: identity, action: "class.teacher.add", objectType: "class", objectId: scoped.id, after: { slug: scoped.slug, teacher: username } });
    return { changed: true, username };
  });
}
