import { LAUNCHING_UNAVAILABLE } from "@/lib/domain/problems";
import { freePort } from "@/scripts/free-port";
import { metricSample } from "@/test/support/prometheus";
import { expect, hasCluster, requireCluster, test } from "./fixtures";
import { startPortal, waitForHealth, type Child } from "./support/processes";
import { readState } from "./support/state";

/**
 * The REST API with the real next-auth session cookie, on the real server. A launch of a disabled template
 * is refused (404) by the launch service: that proves the cookie was accepted and the service reached.
 * Launch outcomes themselves are covered by student.spec.ts and the integration tests.
 */
test.describe("REST API with a session cookie", () => {
  test("a signed-in student lists environments, and a launch reaches the launch service", async ({ pageAs }) => {
    const page = await pageAs("student");
    const list = await page.request.get("/api/environments");
    expect(list.status()).toBe(200);
    expect(await list.json()).toMatchObject({ environments: [], count: 0, quota: { used: 0 } });
    const run = await page.request.get("/api/run/e2e-disabled", { headers: { "sec-fetch-site": "same-origin" } });
    if (hasCluster()) {
      expect(run.status()).toBe(404);
      expect((await run.json()).error).toContain("disabled");
    } else {
      // Without a cluster every launch is refused before the template is even looked at.
      expect(run.status()).toBe(503);
      expect((await run.json()).error).toBe(LAUNCHING_UNAVAILABLE);
    }
  });

  test("a portal without a cluster refuses launches plainly and says so in the catalog: to students what they can do, to staff the fix", async ({ pageAs }) => {
    test.setTimeout(90_000);
    // With a cluster, a second portal on the same database and sessions, without one (cookies do not depend
    // on the port, so the student's session works on both).
    let portal: Child | null = null;
    let origin = "";
    if (hasCluster()) {
      const port = await freePort();
      origin = `http://localhost:${port}`;
      portal = startPortal(port, { ...readState().portalEnv, NEXTAUTH_URL: origin });
    }
    try {
      if (portal) await waitForHealth(origin, portal);
      const page = await pageAs("student");
      const run = await page.request.get(`${origin}/api/run/e2e-ondemand`, { headers: { "sec-fetch-site": "same-origin" } });
      expect(run.status()).toBe(503);
      expect((await run.json()).error).toBe(LAUNCHING_UNAVAILABLE);
      await page.goto(`${origin}/`);
      await expect(page.getByRole("status").filter({ hasText: LAUNCHING_UNAVAILABLE })).toBeVisible();
      await expect(page.getByText(/KUBECONFIG/)).toHaveCount(0);
      await page.goto(`${origin}/run/e2e-ondemand`);
      await expect(page.getByText(LAUNCHING_UNAVAILABLE)).toBeVisible();

      const admin = await pageAs("admin");
      const refused = await admin.request.get(`${origin}/api/run/e2e-ondemand`, { headers: { "sec-fetch-site": "same-origin" } });
      expect((await refused.json()).error).toContain("Launching needs a Kubernetes cluster, and none is configured: set KUBECONFIG");
      await admin.goto(`${origin}/`);
      await expect(admin.getByRole("status").filter({ hasText: "set KUBECONFIG" })).toBeVisible();
    } finally {
      await portal?.stop();
    }
  });

  test("signed out, the API answers 401 and never redirects", async ({ request }) => {
    const response = await request.get("/api/environments", { maxRedirects: 0 });
    expect(response.status()).toBe(401);
    expect(await response.json()).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  test("a cross-site request riding on the cookie is refused before anything happens", async ({ pageAs }) => {
    const page = await pageAs("student");
    const launch = await page.request.get("/api/run/e2e-ondemand", { headers: { "sec-fetch-site": "cross-site" } });
    expect(launch.status()).toBe(403);
    const token = await page.request.post("/api/v1/tokens", { data: { name: "evil" }, headers: { origin: "https://evil.example" } });
    expect(token.status()).toBe(403);
    const tokens = await page.request.get("/api/v1/tokens");
    expect((await tokens.json()).tokens).toEqual([]);
    expect((await (await page.request.get("/api/environments")).json()).count).toBe(0);
  });

  test("a personal token made with the cookie works as a bearer token and stops working once revoked", async ({ pageAs, playwright, baseURL }) => {
    const page = await pageAs("teacher");
    const created = await page.request.post("/api/v1/tokens", { data: { name: "e2e script", expiresInDays: 1 } });
    expect(created.status()).toBe(201);
    const { token, id } = await created.json();
    const script = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    expect((await script.get("/api/v1/environments")).status()).toBe(200);
    if (hasCluster()) {
      // A scripted launch is answered by the web server's front (lib/api/front.ts), the rest by Next.js.
      const launched = await script.get("/api/run/e2e-ondemand");
      expect(launched.status()).toBe(201);
      expect(await launched.json()).toMatchObject({ outcome: "created", name: "e2e-ondemand" });
      expect(launched.headers()).toMatchObject({ "x-content-type-options": "nosniff", "x-frame-options": "DENY", "cache-control": "no-store, no-transform" });
      expect((await script.get("/api/run/e2e-ondemand")).status()).toBe(200);
      expect((await script.delete("/api/run/e2e-ondemand")).status()).toBe(204);
    }
    // A token cannot mint more tokens.
    expect((await script.post("/api/v1/tokens", { data: { name: "more" } })).status()).toBe(403);
    expect((await page.request.delete(`/api/v1/tokens/${id}`)).status()).toBe(204);
    expect((await script.get("/api/v1/environments")).status()).toBe(401);
    await script.dispose();
  });

  test("an admin's script manages a template's labels over the real router, a key's / sent as it is or as %2F", async ({ pageAs, playwright, baseURL }) => {
    const admin = await pageAs("admin");
    const created = await admin.request.post("/api/v1/tokens", { data: { name: "e2e labels", expiresInDays: 1 } });
    const { token, id } = await created.json();
    const script = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    try {
      const set = await script.post("/api/v1/templates/e2e-ondemand/labels", { data: { key: "example.com/e2e", value: "yes" } });
      expect(set.status()).toBe(201);
      for (const path of ["example.com%2Fe2e", "example.com/e2e"]) {
        const read = await script.get(`/api/v1/templates/e2e-ondemand/labels/${path}`);
        expect(read.status(), path).toBe(200);
        expect(await read.json()).toEqual({ key: "example.com/e2e", value: "yes" });
      }
      expect((await script.get("/api/v1/templates/e2e-ondemand")).status()).toBe(200);
      expect((await script.delete("/api/v1/templates/e2e-ondemand/labels/example.com%2Fe2e")).status()).toBe(204);
      expect((await script.get("/api/v1/templates/e2e-ondemand/labels/example.com/e2e")).status()).toBe(404);
      // A student reads what the launch page shows, and may change nothing.
      const student = await pageAs("student");
      const view = await (await student.request.get("/api/v1/templates/e2e-ondemand")).json();
      expect(view).toMatchObject({ name: "e2e-ondemand", displayName: "E2E On Demand" });
      expect(view).not.toHaveProperty("labels");
      const refused = await student.request.post("/api/v1/templates/e2e-ondemand/labels", { data: { key: "x", value: "y" } });
      expect(refused.status()).toBe(403);
    } finally {
      await script.dispose();
      await admin.request.delete(`/api/v1/tokens/${id}`);
    }
  });

  test("Prometheus's scrape counts launches answered by the front and by Next.js alike, and refuses other tokens", async ({ pageAs, playwright, baseURL, request }) => {
    requireCluster();
    const metricsToken = readState().portalEnv.ENVDECK_METRICS_TOKEN!;
    const scrape = async () => {
      const response = await request.get("/api/metrics", { headers: { authorization: `Bearer ${metricsToken}` } });
      expect(response.status()).toBe(200);
      return response.text();
    };
    const admin = await pageAs("admin");
    const { token, id } = await (await admin.request.post("/api/v1/tokens", { data: { name: "e2e metrics", expiresInDays: 1 } })).json();
    const script = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    try {
      const before = await scrape();
      // The front answers this one (lib/api/front.ts), Next.js the next: one registry counts both.
      expect((await script.get("/api/run/e2e-ondemand")).status()).toBe(201);
      expect((await script.post("/api/v1/run/e2e-ondemand", { data: {} })).status()).toBe(200);
      const after = await scrape();
      expect(metricSample(after, 'envdeck_launches_total{outcome="created"}') - metricSample(before, 'envdeck_launches_total{outcome="created"}')).toBe(1);
      expect(metricSample(after, 'envdeck_launches_total{outcome="existing"}') - metricSample(before, 'envdeck_launches_total{outcome="existing"}')).toBe(1);
      expect(metricSample(after, 'envdeck_instances{template="e2e-ondemand",phase="Pending"}') + metricSample(after, 'envdeck_instances{template="e2e-ondemand",phase="Provisioning"}') + metricSample(after, 'envdeck_instances{template="e2e-ondemand",phase="Ready"}')).toBeGreaterThanOrEqual(1);
      expect((await script.delete("/api/run/e2e-ondemand")).status()).toBe(204);
      for (const authorization of [`Bearer ${token}`, `Bearer ${metricsToken}x`, ""]) {
        const refused = await request.get("/api/metrics", { headers: { authorization } });
        expect(refused.status()).toBe(401);
        expect(await refused.text()).not.toContain("envdeck_");
      }
    } finally {
      await script.dispose();
      await admin.request.delete(`/api/v1/tokens/${id}`);
    }
  });

  test("the OpenAPI document is served to anyone", async ({ request }) => {
    const response = await request.get("/api/openapi.json");
    expect(response.status()).toBe(200);
    const document = await response.json();
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/api/run/{name}", "/api/v1/environments/{uuid}", "/api/v1/templates/{name}/labels/{key}"]));
    expect(document.components.schemas.Template).toMatchObject({ type: "object", additionalProperties: false });
  });
});
