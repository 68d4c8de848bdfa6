/**
 * Warm-launch benchmark: how long a student waits, in Chromium, from clicking Launch on a warm pool template to
 * the environment's URL being shown.
 *
 * A fresh embedded PostgreSQL holds one pool template with Available members inserted directly (as the pool
 * controller leaves them, each with its URL), so every launch is a claim and the URL is known at once. The
 * production web server (scripts/web.ts) runs on loopback with a kubeconfig that is never contacted
 * (launching is possible, no worker runs). Each launch is a different student: signed in through next-auth's credentials
 * flow, a new browser context opens `/run/{template}`, waits until React has hydrated the Launch button, and
 * clicks it. Launches run one after another, so this is latency without contention.
 *
 * Measured per launch:
 *   - in the page (performance.now() and the click event's timeStamp, one clock): from the click event to the
 *     URL element ([data-testid="instance-url"]) being in the DOM with a non-empty box (a MutationObserver), and
 *     to after the next animation frame (the frame that paints it): the figure the aim is about;
 *   - in Node (performance.now() around Playwright): from calling click() to Playwright seeing the URL visible;
 *     this adds Playwright's actionability checks before the click and its polling after it;
 *   - the launch request itself (Playwright's resource timing of the first non-GET request after the click):
 *     request sent to first response byte (the server's time, on loopback) and to the last byte; and around
 *     it, the browser's own work: click to the request starting, last byte to the URL in the DOM (epoch
 *     clocks of page and browser compared, so to about a millisecond).
 * Every launch is checked: the URL shown is the URL of the pool member the database says this student claimed.
 *
 *   npm run bench:launch-ui [-- --launches 30 --warmup 3]
 * needs a production build (`npx next build`) and Chromium; prints a table and one JSON line.
 */
import { chromium, type Browser, type Request } from "playwright";
import { chromiumLaunchOptions } from "../../e2e/support/browser";
import type { PrismaClient } from "@/lib/db/client";
import { upsertLocalUser } from "@/lib/services/accounts/upsert-local-user";
import { createTemplate } from "@/lib/services/templates/create-template";
import { argument, log, percentile, round1, runPageBench, signIn, type Portal } from "./portal";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";

const launches = Number(argument("launches")) || 30;
const warmup = Number(argument("warmup") ?? 3);
const templateName = "warm-lab";
const AIM_MS = 300;
const TIMEOUT_MS = 15_000;
const PASSWORD = "warm-launch-password";

/** Marks the page records on its own clock (performance.now(); a click event's timeStamp is on the same one). */
interface Marks {
  timeOrigin: number;
  click: number | null;
  inDom: number | null;
  painted: number | null;
  text: string | null;
}

// Browser code is kept as source text: tsx would rewrite a function's inner names with a helper the page lacks.
const PROBE = `(() => {
  const marks = { timeOrigin: performance.timeOrigin, click: null, inDom: null, painted: null, text: null };
  window.__launchMarks = marks;
  addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button") : null;
    if (button && button.textContent.trim() === "Launch" && marks.click === null) marks.click = event.timeStamp;
  }, true);
  const check = () => {
    if (marks.inDom !== null) return;
    const element = document.querySelector('[data-testid="instance-url"]');
    if (!element || !element.textContent.trim()) return;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(element).visibility === "hidden") return;
    marks.inDom = performance.now();
    marks.text = element.textContent.trim();
    // rAF runs just before the next frame is rendered; the task queued from it runs once that frame is done.
    requestAnimationFrame(() => setTimeout(() => { marks.painted = performance.now(); }));
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
})();`;

/** The page's scripts under /_next/static as the browser fetched them (resource timing). */
const SCRIPTS_LOADED = `(() => {
  const scripts = performance.getEntriesByType("resource").filter((e) => new URL(e.name).pathname.startsWith("/_next/static/") && new URL(e.name).pathname.endsWith(".js"));
  return { count: scripts.length, encoded: scripts.reduce((s, e) => s + e.encodedBodySize, 0), decoded: scripts.reduce((s, e) => s + e.decodedBodySize, 0) };
})()`;

/** Resolves once React has hydrated the button (its props are attached) and it is enabled. */
const HYDRATED = `(element) => new Promise((resolve) => {
  const poll = () => Object.keys(element).some((key) => key.startsWith("__reactProps")) && !element.disabled ? resolve() : setTimeout(poll, 10);
  poll();
})`;

interface Launch {
  student: string;
  url: string;
  clickToDomMs: number;
  clickToPaintMs: number;
  nodeMs: number;
  pageReadyMs: number;
  /** The launch request; `beforeMs`: from the click to the request starting, `afterMs`: from its last byte to the URL in the DOM. */
  request: { label: string; serverMs: number; totalMs: number; beforeMs: number; afterMs: number } | null;
  otherRequests: string[];
  pageScripts: { count: number; encoded: number; decoded: number };
}

const describe = (request: Request) => {
  const url = new URL(request.url());
  const headers = request.headers();
  const kind = headers["next-action"] ? "server action " : headers["next-router-prefetch"] ? "prefetch " : "";
  return `${kind}${request.method()} ${url.pathname}${url.searchParams.has("_rsc") ? "?_rsc" : ""}`;
};

async function launchOnce(browser: Browser, portal: Portal, student: string): Promise<Launch> {
  const cookie = await signIn(portal, student, PASSWORD);
  const context = await browser.newContext({ baseURL: portal.url });
  try {
    await context.addCookies([{ name: cookie.name, value: cookie.value, url: portal.url }]);
    await context.addInitScript({ content: PROBE });
    const page = await context.newPage();
    const requests: Request[] = [];
    page.on("request", (r) => requests.push(r));

    const opened = performance.now();
    const response = await page.goto(`/run/${templateName}`);
    if (!response?.ok()) throw new Error(`GET /run/${templateName} answered ${response?.status()}: does this build have the run page?`);
    const button = page.getByRole("button", { name: "Launch", exact: true });
    await button.waitFor({ state: "visible", timeout: TIMEOUT_MS }).catch(async () => {
      const text = (await page.locator("main").innerText().catch(() => "")).replace(/\s+/g, " ").slice(0, 400);
      throw new Error(`${student}: no Launch button on /run/${templateName}; the page says: ${text}`);
    });
    // Clicking before hydration would time the browser's fallback, not the page.
    await button.evaluate(HYDRATED);
    const pageReadyMs = performance.now() - opened;
    const pageScripts = await page.evaluate<Launch["pageScripts"]>(SCRIPTS_LOADED);
    if ((await page.evaluate<Marks>("window.__launchMarks")).inDom !== null) throw new Error(`${student}: a URL is shown before Launch was clicked`);

    const firstRequest = requests.length;
    const t0 = performance.now();
    await button.click();
    const shown = page.getByTestId("instance-url");
    const alert = page.locator('[role="alert"]:not(#__next-route-announcer__)').filter({ hasText: /\S/ });
    const urlShown = shown.waitFor({ state: "visible", timeout: TIMEOUT_MS }).then(() => "url" as const);
    const failed = alert.first().waitFor({ state: "visible", timeout: TIMEOUT_MS }).then(() => "alert" as const);
    // The race's loser keeps waiting until the context closes; its rejection then is expected.
    urlShown.catch(() => undefined);
    failed.catch(() => undefined);
    const outcome = await Promise.race([urlShown, failed]);
    const nodeMs = performance.now() - t0;
    if (outcome === "alert") throw new Error(`${student}: the launch failed: ${await alert.first().innerText()}`);

    await page.waitForFunction("window.__launchMarks.painted !== null");
    const marks = await page.evaluate<Marks>("window.__launchMarks");
    if (marks.click === null) throw new Error(`${student}: the page saw no click on Launch`);

    const during = requests.slice(firstRequest);
    const launchRequest = during.find((r) => r.method() !== "GET") ?? null;
    let request: Launch["request"] = null;
    if (launchRequest) {
      // Bounded: Playwright occasionally never reports the end of a response the page has long used.
      const finished = (async () => (await launchRequest.response())?.finished())();
      await Promise.race([finished, new Promise((r) => setTimeout(r, 5_000))]);
      const timing = launchRequest.timing();
      if (timing.requestStart >= 0 && timing.responseStart >= 0 && timing.responseEnd >= 0) {
        // Both clocks are epoch-based (the page's timeOrigin, Chromium's request wall time), so they can be compared.
        const clickEpoch = marks.timeOrigin + marks.click;
        request = {
          label: describe(launchRequest),
          serverMs: timing.responseStart - timing.requestStart,
          totalMs: timing.responseEnd - timing.requestStart,
          beforeMs: timing.startTime - clickEpoch,
          afterMs: marks.timeOrigin + marks.inDom! - (timing.startTime + timing.responseEnd),
        };
      }
    }
    return {
      student,
      url: marks.text!,
      clickToDomMs: marks.inDom! - marks.click,
      clickToPaintMs: marks.painted! - marks.click,
      nodeMs,
      pageReadyMs,
      request,
      otherRequests: during.filter((r) => r !== launchRequest).map(describe),
      pageScripts,
    };
  } finally {
    await context.close();
  }
}

/** The pool: `count` Available members with their URLs, as the pool controller leaves them. */
async function fillPool(prisma: PrismaClient, templateId: string, count: number): Promise<void> {
  const version = await prisma.templateVersion.findFirstOrThrow({ where: { templateId } });
  await prisma.instance.createMany({
    data: Array.from({ length: count }, (_, i) => {
      const uuid = (0xa0000000 + i).toString(16);
      return { uuid, templateId, templateVersionId: version.id, phase: "Available" as const, pooled: true, namespace: `pool-warm-${uuid}`, url: `https://warm-${uuid}.bench.invalid/` };
    }),
  });
}

function stats(values: number[]) {
  return { p50: round1(percentile(values, 50)), p95: round1(percentile(values, 95)), max: round1(Math.max(...values)), mean: round1(values.reduce((s, v) => s + v, 0) / values.length) };
}

runPageBench("launch-ui", async ({ prisma, startPortal, onCleanup }) => {
  const launchOptions = chromiumLaunchOptions();
  const template = await createTemplate(SYSTEM_IDENTITY, {
    name: templateName,
    displayName: "Warm Lab",
    description: "A pool template with warm members.",
    icon: "terminal",
    category: "bench",
    method: "pool",
    poolSize: 0,
    spec: { chart: { type: "helm", repoUrl: "https://charts.bench.invalid", chart: "warm", revision: "1.0.0" }, valuesTemplate: "host: {{ host }}\n", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" },
  });
  const students = Array.from({ length: warmup + launches }, (_, i) => `launcher-${String(i + 1).padStart(3, "0")}`);
  await fillPool(prisma, template.id, students.length + 5);
  for (const username of students) await upsertLocalUser(SYSTEM_IDENTITY, { username, password: PASSWORD, roles: ["student"] });

  const portal = await startPortal();
  const browser = await chromium.launch(launchOptions);
  onCleanup(() => browser.close());
  const results: Launch[] = [];
  for (const [i, student] of students.entries()) {
    const result = await launchOnce(browser, portal, student);
    const claimed = await prisma.instance.findFirst({ where: { templateId: template.id, ownerKey: student, phase: "Claimed" } });
    if (!claimed || claimed.url !== result.url) {
      throw new Error(`${student}: the page shows ${result.url}, the database has ${claimed ? `${claimed.phase} ${claimed.url}` : "no claimed member"}`);
    }
    if (i < warmup) continue;
    results.push(result);
    log(`${student}: click → painted ${result.clickToPaintMs.toFixed(1)} ms, server ${result.request?.serverMs.toFixed(1) ?? "?"} ms`);
  }

  const rows: [string, number[]][] = [
    ["click → URL in the DOM (page clock)", results.map((r) => r.clickToDomMs)],
    ["click → frame with the URL painted (page clock)", results.map((r) => r.clickToPaintMs)],
    ["click() → URL visible (Playwright, Node clock)", results.map((r) => r.nodeMs)],
  ];
  const withRequest = results.filter((r) => r.request);
  if (withRequest.length > 0) {
    rows.push(["  click → launch request starts (browser)", withRequest.map((r) => r.request!.beforeMs)]);
    rows.push(["  launch request: sent → first byte (server)", withRequest.map((r) => r.request!.serverMs)]);
    rows.push(["  launch request: sent → last byte", withRequest.map((r) => r.request!.totalMs)]);
    rows.push(["  last byte → URL in the DOM (browser)", withRequest.map((r) => r.request!.afterMs)]);
  }
  rows.push(["open /run/{name} → Launch hydrated", results.map((r) => r.pageReadyMs)]);
  const headline = stats(results.map((r) => r.clickToPaintMs));
  const otherRequests = [...new Set(results.flatMap((r) => r.otherRequests))];

  console.log(`\nWarm launch in Chromium, ${launches} launches (after ${warmup} warm-up), one student each, production build on loopback\n`);
  console.log("| measure | p50 | p95 | max | mean |");
  console.log("|---|---|---|---|---|");
  for (const [label, values] of rows) {
    const s = stats(values);
    console.log(`| ${label} | ${s.p50} ms | ${s.p95} ms | ${s.max} ms | ${s.mean} ms |`);
  }
  console.log("(last byte → URL is negative when React shows the URL from the action's first chunk, before its stream closes)");
  const scripts = results[0]!.pageScripts;
  console.log(`\nLaunch request: ${withRequest[0]?.request?.label ?? "none seen"} (timing known for ${withRequest.length} of ${launches}); other requests after the click: ${otherRequests.length ? otherRequests.join(", ") : "none"}`);
  console.log(`/run/${templateName} loads ${scripts.count} scripts: ${(scripts.encoded / 1000).toFixed(1)} kB as served (the server's compression), ${(scripts.decoded / 1000).toFixed(1)} kB decoded`);
  console.log(`Aim: click → URL shown under ${AIM_MS} ms: ${headline.p95 < AIM_MS ? "met at p95" : headline.p50 < AIM_MS ? "met at p50, NOT at p95" : "NOT met"} (p50 ${headline.p50} ms, p95 ${headline.p95} ms)`);
  console.log(
    JSON.stringify({
      benchmark: "warm-launch",
      launches,
      warmup,
      measures: Object.fromEntries(rows.map(([label, values]) => [label.trim(), stats(values)])),
      launchRequest: withRequest[0]?.request?.label ?? null,
      otherRequests,
      runPageScripts: { count: scripts.count, servedBytes: scripts.encoded, decodedBytes: scripts.decoded },
      aim: { ms: AIM_MS, p50Met: headline.p50 < AIM_MS, p95Met: headline.p95 < AIM_MS },
    }),
  );
});
