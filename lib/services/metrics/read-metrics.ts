import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { getConfig } from "@/lib/config";
import { countInstancesByTemplateAndPhase } from "@/lib/db/instances";
import { AppError } from "@/lib/domain/errors";
import { metrics } from "@/lib/metrics/registry";

export interface MetricsText {
  contentType: string;
  text: string;
}

/** Compares digests of equal length, so how much of a wrong token matched takes no measurable time to learn. */
function sameToken(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The portal's metrics in Prometheus's text format, for a caller presenting ENVDECK_METRICS_TOKEN: the web
 * process's launch counters and timings, and the environments in the database by template and phase, read
 * now. Off (NOT_FOUND) while no token is configured; any other token is UNAUTHENTICATED.
 */
export async function readMetrics(presentedToken: string | null): Promise<MetricsText> {
  const expected = getConfig().metricsToken;
  if (!expected) throw new AppError("NOT_FOUND", "Metrics are off on this portal: its operator turns them on with ENVDECK_METRICS_TOKEN.");
  if (presentedToken === null || !sameToken(presentedToken, expected)) {
    throw new AppError("UNAUTHENTICATED", 'Send the metrics token as "Authorization: Bearer <ENVDECK_METRICS_TOKEN>".');
  }
  const { registry, instances } = metrics();
  const counts = await countInstancesByTemplateAndPhase();
  // Reset first: a template or phase that has no environment any more must not keep its last count.
  instances.reset();
  for (const { template, phase, count } of counts) instances.set({ template, phase }, count);
  return { contentType: registry.contentType, text: await registry.metrics() };
}
