import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { classColumns } from "@/lib/db/classes";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { auditedClass, type ClassView, newJoinCode, parseClassInput, slugOf, toClassView } from "./internal/classes";
import { findTaughtClass } from "./internal/scope";

/** The furthest a code may be set to expire: a school year and a little. */
const MAX_EXPIRY_DAYS = 400;

const joinCodeSchema = z.strictObject({
  slug: z.unknown(),
  enabled: z.boolean({ error: "Say whether joining by code is on (true) or off (false)." }),
  expiresAt: z
    .union([z.iso.datetime({ offset: true, error: "A date and time like 2026-12-01T09:00:00Z, or null for no expiry." }), z.null()], {
      error: "A date and time like 2026-12-01T09:00:00Z, or null for no expiry.",
    })
    .optional(),
});

/**
 * Turns joining by code on or off and sets when the code expires (null: never; left out: as it is). Turning
 * it off forgets the code, so turning it on again gives a new one. An expiry must lie in the future.
 */
export async function setJoinCode(identity: Identity | null, input: unknown): Promise<{ changed: boolean; class: ClassView }> {
  assertCan(identity, "class:manage");
  const scoped = await findTaughtClass(identity, slugOf(input));
  const { enabled, expiresAt } = parseClassInput(joinCodeSchema, input);
  const expiry = expiresAt === undefined ? undefined : expiresAt === null ? null : new Date(expiresAt);
  if (expiry) {
    const problem =
      expiry.getTime() <= Date.now() ? "Choose a time in the future." : expiry.getTime() > Date.now() + MAX_EXPIRY_DAYS * 86_400_000 ? `At most ${MAX_EXPIRY_DAYS} days ahead.` : null;
    if (problem) throw new AppError("INVALID_INPUT", `The expiry: ${problem}`, { expiresAt: [problem] });
  }
  return db().$transaction(async (tx) => {
    const before = await tx.class.findUniqueOrThrow({ where: { id: scoped.id }, select: classColumns });
    const joinCode = enabled ? (before.joinCode ?? newJoinCode()) : null;
    const joinCodeExpiresAt = !enabled ? null : expiry === undefined ? before.joinCodeExpiresAt : expiry;
    if (joinCode === before.joinCode && joinCodeExpiresAt?.getTime() === before.joinCodeExpiresAt?.getTime()) return { changed: false, class: toClassView(before) };
    const after = await tx.class.update({ where: { id: scoped.id }, data: { joinCode, joinCodeExpiresAt }, select: classColumns });
    await recordAudit(tx, { actor: identity, action: "class.join-code.update", objectType: "class", objectId: scoped.id, before: auditedClass(before), after: auditedClass(after) });
    return { changed: true, class: toClassView(after) };
  });
}
