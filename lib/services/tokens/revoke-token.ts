import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

/** Revokes one of the caller's tokens; someone else's token is NOT_FOUND, like a missing one. Revoking twice is fine. */
export async function revokeApiToken(identity: Identity | null, input: { id: unknown }): Promise<void> {
  assertCan(identity, "instance:launch");
  const id = typeof input.id === "string" && z.uuid().safeParse(input.id).success ? input.id : null;
  const token = id ? await db().apiToken.findFirst({ where: { id, userId: identity.userId } }) : null;
  if (!token) throw new AppError("NOT_FOUND", "There is no such token of yours.");
  if (token.revokedAt) return;
  await db().$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({ where: { id: token.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 1) await recordAudit(tx, { actor: identity, action: "token.revoke", objectType: "token", objectId: token.id, before: { name: token.name } });
  });
}
