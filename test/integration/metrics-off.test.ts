import { describe, expect, it } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";

/** A portal without ENVDECK_METRICS_TOKEN: `/api/metrics` is off for everyone, whatever they send. */
delete process.env.ENVDECK_METRICS_TOKEN;

describe("/api/metrics without ENVDECK_METRICS_TOKEN", () => {
  it("answers 404 naming the setting, and no metrics", async () => {
    for (const authorization of [undefined, "Bearer anything-at-all-0123456789abcdef", "Bearer "]) {
      const response = await metricsRoute(new Request("http://envdeck.test/api/metrics", { headers: authorization === undefined ? {} : { authorization } }));
      expect(response.status).toBe(404);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ code: "NOT_FOUND", error: "Metrics are off on this portal: its operator turns them on with ENVDECK_METRICS_TOKEN." });
      expect(text).not.toContain("envdeck_");
    }
  });
});
