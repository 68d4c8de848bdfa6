import { beforeAll, describe, expect, it } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { db } from "@/lib/db/client";
import { launchInstance } from "@/lib/services/instances/launch";
import { releaseInstance } from "@/lib/services/instances/release";
import { setupTestDatabase } from "@/test/support/database";
import { metricSample } from "@/test/support/prometheus";
import { allowLaunching, createLaunchTemplate, createUser, insertAvailableMembers } from "@/test/support/launch";

/**
 * `/api/metrics` as Prometheus scrapes it: the route called as Next.js calls it, launches made through the
 * real launch service against the real database. Metrics are on in this file (ENVDECK_METRICS_TOKEN is set
 * before anything reads the configuration); the end-to-end journeys check that a portal without the token
 * answers 404.
 */
const TOKEN = "metrics-test-token-0123456789abcdef";
process.env.ENVDECK_METRICS_TOKEN = TOKEN;
allowLaunching();
setupTestDatabase();

async function scrape(authorization?: string): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await metricsRoute(new Request("http://envdeck.test/api/metrics", { headers: authorization === undefined ? {} : { authorization } }));
  return { status: response.status, text: await response.text(), headers: response.headers };
}


describe("/api/metrics", () => {
  beforeAll(async () => {
    await createLaunchTemplate("metrics-shell");
    const warm = await createLaunchTemplate("metrics-warm", { method: "pool", poolSize: 0 });
    await insertAvailableMembers(warm.id, 2);
    await createLaunchTemplate("metrics-single", { maxInstancesPerUser: 1 });
  });

  it("counts launches by outcome and refusals by code, and reports environments by template and phase", async () => {
    const before = (await scrape(`Bearer ${TOKEN}`)).text;
    const alice = await createUser({ name: "metrics-alice" });
    await launchInstance(alice, { template: "metrics-shell" });
    await launchInstance(alice, { template: "metrics-shell" });
    await launchInstance(alice, { template: "metrics-warm" });
    await expect(launchInstance(alice, { template: "no-such-template" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const bob = await createUser({ name: "metrics-bob" });
    await launchInstance(bob, { template: "metrics-shell" });
    // metrics-single allows one environment in all: bob has one already.
    await expect(launchInstance(bob, { template: "metrics-single" })).rejects.toMatchObject({ code: "QUOTA_EXCEEDED" });

    const after = await scrape(`Bearer ${TOKEN}`);
    expect(after.status).toBe(200);
    expect(after.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(after.headers.get("cache-control")).toBe("no-store");
    const grew = (series: string) => metricSample(after.text, series) - metricSample(before, series);
    expect(grew('envdeck_launches_total{outcome="created"}')).toBe(2);
    expect(grew('envdeck_launches_total{outcome="existing"}')).toBe(1);
    expect(grew('envdeck_launches_total{outcome="claimed"}')).toBe(1);
    expect(grew('envdeck_launch_refusals_total{code="NOT_FOUND"}')).toBe(1);
    expect(grew('envdeck_launch_refusals_total{code="QUOTA_EXCEEDED"}')).toBe(1);
    expect(grew('envdeck_launch_duration_seconds_count{outcome="created"}')).toBe(2);
    expect(metricSample(after.text, 'envdeck_launch_duration_seconds_sum{outcome="created"}')).toBeGreaterThan(0);

    // Read from the database at each scrape: what exists now, not what was counted.
    expect(metricSample(after.text, 'envdeck_instances{template="metrics-shell",phase="Pending"}')).toBe(2);
    expect(metricSample(after.text, 'envdeck_instances{template="metrics-warm",phase="Claimed"}')).toBe(1);
    expect(metricSample(after.text, 'envdeck_instances{template="metrics-warm",phase="Available"}')).toBe(1);
    await releaseInstance(alice, { template: "metrics-shell" });
    const instances = await db().instance.groupBy({ by: ["phase"], where: { template: { name: "metrics-shell" }, deletedAt: null }, _count: true });
    const later = (await scrape(`Bearer ${TOKEN}`)).text;
    for (const { phase, _count } of instances) expect(metricSample(later, `envdeck_instances{template="metrics-shell",phase="${phase}"}`), phase).toBe(_count);
    expect(metricSample(later, 'envdeck_instances{template="metrics-shell",phase="Pending"}')).toBe(1);
  });

  it("answers only the metrics token, with 401 and nothing of the metrics otherwise", async () => {
    const refusals: (string | undefined)[] = [
      undefined,
      "",
      "Bearer",
      `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString("base64")}`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.toUpperCase()}`,
      "Bearer ' OR '1'='1",
      `Bearer ${"é".repeat(40)}`,
      `Bearer ${"x".repeat(100_000)}`,
    ];
    for (const authorization of refusals) {
      const answer = await scrape(authorization);
      expect(answer.status, String(authorization).slice(0, 40)).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ code: "UNAUTHENTICATED" });
      expect(answer.text).not.toContain("envdeck_");
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="envdeck"');
    }
    expect((await scrape(`bearer   ${TOKEN}`)).status).toBe(200);
  });
});
