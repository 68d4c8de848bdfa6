import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { classColumns } from "@/lib/db/classes";
import { db, isUniqueViolation } from "@/lib/db/client";
import { newClassSchema } from "@/lib/domain/classes";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { auditedClass, type ClassView, newJoinCode, parseClassInput, toClassView } from "./internal/classes";

const slugTaken = () => new AppError("CONFLICT", "This short name is taken: choose another.", { slug: ["This short name is taken: choose another."] });

/**
 * Creates a class taught by the caller, with a join code open until a teacher closes it. The portal itself
 * (no user row) cannot teach: classes are created by people.
 */
export async function createClass(identity: Identity | null, input: unknown): Promise<ClassView> {
  assertCan(identity, "class:manage");
  if (identity.source === "system") throw new AppError("FORBIDDEN", "Classes are created by a teacher, not by the portal itself.");
  const fields = parseClassInput(newClassSchema, input);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db().$transaction(async (tx) => {
        if (await tx.class.findUnique({ where: { slug: fields.slug }, select: { id: true } })) throw slugTaken();
        const created = await tx.class.create({
          data: { ...fields, joinCode: newJoinCode(), createdById: identity.userId, teachers: { create: { userId: identity.userId } } },
          select: classColumns,
        });
        await recordAudit(tx, { actor: identity, action: "class.create", objectType: "class", objectId: created.id, after: { ...auditedClass(created), teachers: [identity.username] } });
        return toClassView(created);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Two teachers chose the same short name at once, or (rarely) the join code was drawn twice: draw again.
      if (attempt >= 3 || (await db().class.findUnique({ where: { slug: fields.slug }, select: { id: true } }))) throw slugTaken();
    }
  }
}
