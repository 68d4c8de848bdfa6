import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { parseClassInput, slugOf, usernameInput } from "./internal/classes";
import { findTaughtClass } from "./internal/scope";

const removeSchema = z.strictObject({ slug: z.unknown(), username: usernameInput });

/**
 * Removes a member who joined or was added. Members through a bound group are the group's to decide: they
 * cannot be removed one by one (unbind the group instead), and removing someone who is also in a bound group
 * leaves them a member through it, as the answer says.
 */
export async function removeMember(identity: Identity | null, input: unknown): Promise<{ username: string; stillThroughGroups: string[] }> {
  assertCan(identity, "class:manage");
  const scoped = await findTaughtClass(identity, slugOf(input));
  const { username } = parseClassInput(removeSchema, input);
  return db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { username }, select: { id: true, groups: true } });
    const { groups } = await tx.class.findUniqueOrThrow({ where: { id: scoped.id }, select: { groups: true } });
    const throughGroups = user ? user.groups.filter((g) => (groups ?? []).includes(g)) : [];
    const row = user && (await tx.classMember.findUnique({ where: { classId_userId: { classId: scoped.id, userId: user.id } } }));
    if (!user || !row) {
      if (throughGroups.length > 0) throw new AppError("CONFLICT", `${username} is a member through the group ${throughGroups.join(", ")}: unbind the group to remove them.`);
      throw new AppError("NOT_FOUND", `${username} is not a member of this class.`);
    }
    await tx.classMember.delete({ where: { classId_userId: { classId: scoped.id, userId: user.id } } });
    await recordAudit(tx, {
      actor: identity,
      action: "class.member.remove",
      objectType: "class",
      objectId: scoped.id,
      before: { slug: scoped.slug, member: username, via: row.via, joinedAt: row.joinedAt.toISOString() },
    });
    return { username, stillThroughGroups: throughGroups };
  });
}
