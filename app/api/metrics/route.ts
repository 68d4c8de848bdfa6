import { bearerSecret, errorResponse } from "@/lib/api/http";
import { readMetrics } from "@/lib/services/metrics/read-metrics";

export const dynamic = "force-dynamic";

/** Prometheus's scrape: the metrics token as a bearer token, the answer in its text format. */
export async function GET(request: Request): Promise<Response> {
  try {
    const { contentType, text } = await readMetrics(bearerSecret(request));
    return new Response(text, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error, request);
  }
}
