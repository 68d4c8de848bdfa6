import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { classColumns } from "@/lib/db/classes";
import { db, isUniqueViolation } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { auditedClass, type ClassView, newJoinCode, toClassView } from "./internal/classes";
import { findTaughtClass } from "./internal/scope";

/**
 * Gives a class a new join code: the old one stops working at once (it is no longer stored anywhere). A code
 * that was off is turned on; an expiry that has passed is cleared, a future one kept.
 */
export async function rotateJoinCode(identity: Identity | null, input: { slug: unknown }): Promise<ClassView> {
  assertCan(identity, "class:manage");
  const scoped = await findTaughtClass(identity, input.slug);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db().$transaction(async (tx) => {
        const before = await tx.class.findUniqueOrThrow({ where: { id: scoped.id }, select: classColumns });
        const keepExpiry = before.joinCodeExpiresAt && before.joinCodeExpiresAt.getTime() > Date.now() ? before.joinCodeExpiresAt : null;
        const after = await tx.class.update({ where: { id: scoped.id }, data: { joinCode: newJoinCode(), joinCodeExpiresAt: keepExpiry }, select: classColumns });
        await recordAudit(tx, {
          actor: identity,
          action: "class.join-code.rotate",
          objectType: "class",
          objectId: scoped.id,
          before: auditedClass(before),
          after: { ...auditedClass(after), joinCode: "new" },
        });
        return toClassView(after);
      });
    } catch (error) {
      // The same code drawn twice: one chance in billions, drawn again.
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}
