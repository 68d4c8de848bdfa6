import "server-only";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { toSummary, type ApiTokenSummary } from "./internal/token";

export type { ApiTokenSummary };

/** The caller's tokens, newest first (never their secrets). */
export async function listApiTokens(identity: Identity | null): Promise<ApiTokenSummary[]> {
  assertCan(identity, "instance:launch");
  const rows = await db().apiToken.findMany({ where: { userId: identity.userId }, orderBy: { createdAt: "desc" } });
  return rows.map(toSummary);
}
