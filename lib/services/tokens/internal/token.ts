import "server-only";
import { createHash } from "node:crypto";
import type { ApiToken } from "@/lib/db/generated/client";

/**
 * Personal API tokens for scripts. The secret is shown once at creation; only its sha256 is stored, so a
 * database leak gives nobody a usable token.
 */

export const TOKEN_PREFIX = "edk_";
export const TOKEN_FORMAT = /^edk_[A-Za-z0-9_-]{43}$/;

export interface ApiTokenSummary {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revoked: boolean;
}

export function hashToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function toSummary(row: Pick<ApiToken, "id" | "name" | "createdAt" | "lastUsedAt" | "expiresAt" | "revokedAt">): ApiTokenSummary {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revoked: row.revokedAt !== null,
  };
}
