import "server-only";
import { db } from "@/lib/db/client";
import { appVersion } from "@/lib/version";

export interface Health {
  status: "ok" | "degraded";
  version: string;
  database: { ok: boolean; latencyMs: number; error?: string };
}

/** Liveness and readiness in one: the portal is healthy when the database answers. */
export async function checkHealth(): Promise<Health> {
  const started = performance.now();
  try {
    await db().$queryRaw`SELECT 1`;
    return { status: "ok", version: appVersion, database: { ok: true, latencyMs: Math.round(performance.now() - started) } };
  } catch {
    // The driver's message may contain host names and user names; the caller only learns that it failed.
    return {
      status: "degraded",
      version: appVersion,
      database: { ok: false, latencyMs: Math.round(performance.now() - started), error: "database unreachable" },
    };
  }
}
