import { checkHealth } from "@/lib/services/health/check-health";

export const dynamic = "force-dynamic";

/** Liveness/readiness probe: 200 when the database answers, 503 otherwise. Public, reveals no internals. */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
