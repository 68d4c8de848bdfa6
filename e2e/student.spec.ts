import type { Page } from "@playwright/test";
import { expect, hasCluster, requireCluster, shootBothWidths, test } from "./fixtures";
import { countdownSeconds, environmentsOf, expectNoSeriousViolations, launchViaApi, tabTo, tamperNextServerAction, uuidFromUrl } from "./support/student";

/**
 * Student journeys on the production build against a real control plane: launches go through the worker and
 * Flux's real controllers, which install the fixture chart from the local Helm repository. Every journey that
 * launches signs in as a student account of its own, so journeys never see each other's environments and
 * can run in any order. The e2e templates are created by the global setup (e2e/support/cluster.ts).
 */

/** The page's alert with something in it (Next.js keeps an empty one for route announcements). */
function alert(page: Page) {
  return page.getByRole("alert").filter({ hasText: /\S/ });
}

/** Flux fetches the chart and installs it: seconds, but a loaded two-core machine deserves slack. */
const INSTALL_TIMEOUT = 120_000;

test.describe("launching", () => {
  test("a warm template shows its Instant badge and launches with its URL at once", async ({ pageAs, shoot }) => {
    requireCluster();
    test.setTimeout(INSTALL_TIMEOUT + 60_000);
    const page = await pageAs("student2");
    await page.goto("/");
    const card = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "E2E Warm", exact: true }) });
    // The worker fills the pool and Flux installs the member: the badge appears once one is Available.
    await expect(async () => {
      await page.reload();
      await expect(card).toContainText("Instant", { timeout: 1000 });
    }).toPass({ timeout: INSTALL_TIMEOUT, intervals: [1000, 2000, 3000] });

    await card.getByRole("link", { name: "E2E Warm", exact: true }).click();
    await expect(page).toHaveURL("/run/e2e-warm");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("E2E Warm");
    await page.getByRole("button", { name: "Launch", exact: true }).click();
    // A claim answers with the member's URL: no waiting for an install.
    const url = page.getByTestId("instance-url");
    await expect(url).toHaveText(/^https:\/\/e2e-warm-[0-9a-f]{8}\./, { timeout: 5000 });
    await expect(page.getByRole("link", { name: /^Open/ })).toHaveAttribute("href", (await url.textContent())!.trim());
    const [environment] = await environmentsOf(page);
    expect(environment).toMatchObject({ name: "e2e-warm", phase: "Claimed" });
    await shootBothWidths(page, shoot, "student-launch-warm");
  });

  test("an on-demand launch goes through every step to Ready, is extended once and deleted", async ({ pageAs, shoot }) => {
    requireCluster();
    test.setTimeout(INSTALL_TIMEOUT + 90_000);
    const page = await pageAs("student3");
    await page.goto("/run/e2e-ondemand");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("E2E On Demand");
    await expect(page.getByRole("textbox", { name: /^Greeting/ })).toHaveValue("hello");
    await shootBothWidths(page, shoot, "student-run-form");
    await page.getByRole("button", { name: "Launch", exact: true }).click();

    const progress = page.getByRole("list", { name: "Launch progress" });
    const steps = progress.getByRole("listitem");
    await expect(steps).toHaveCount(4);
    // Follow the timeline: at every moment it reads done…, at most one current, then todo…, and it ends all done.
    const seen: string[] = [];
    const sample = async () => {
      const states = (await steps.evaluateAll((items) => items.map((item) => item.getAttribute("data-state")))).join(",");
      if (seen.at(-1) !== states) seen.push(states);
      return states;
    };
    await sample();
    for (const [i, label] of ["Queued", "Applying", "Installing", "Ready"].entries()) await expect(steps.nth(i)).toContainText(label);
    await shootBothWidths(page, shoot, "student-launch-progress");
    await expect.poll(sample, { timeout: INSTALL_TIMEOUT, intervals: [250] }).toBe("done,done,done,done");
    for (const states of seen) expect(`${states},`, `timeline went ${seen.join(" → ")}`).toMatch(/^(done,)*(current,)?(todo,)*$/);
    expect(seen.length, `timeline went ${seen.join(" → ")}`).toBeGreaterThan(1);

    const url = page.getByTestId("instance-url");
    await expect(url).toHaveText(/^https:\/\/e2e-ondemand-[0-9a-f]{8}\./);
    const address = (await url.textContent())!.trim();
    await expect(page.getByRole("link", { name: /^Open/ })).toHaveAttribute("href", address);
    await expect(page.getByRole("link", { name: /^Open/ })).toHaveAttribute("target", "_blank");
    await expect(page.getByRole("button", { name: "Copy URL" })).toBeVisible();
    await shootBothWidths(page, shoot, "student-launch-ready");

    await page.getByRole("main").getByRole("link", { name: "My environments" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My environments");
    const item = page.getByTestId(`environment-${uuidFromUrl(address)}`);
    await expect(item.getByRole("heading", { level: 2 })).toContainText("E2E On Demand");
    await expect(item.getByRole("link", { name: /^Open/ })).toHaveAttribute("href", address);
    const countdown = item.getByTestId("countdown");
    await expect(countdown).toHaveAttribute("data-tone", "normal");
    const before = countdownSeconds(await countdown.innerText());
    expect(before).toBeGreaterThan(3000);
    await shootBothWidths(page, shoot, "student-environments");

    await item.getByRole("button", { name: /^Extend/ }).click();
    // Extended by the template's 30 minutes; one extension is all it allows.
    await expect.poll(async () => countdownSeconds(await countdown.innerText())).toBeGreaterThan(before + 1700);
    // Extend is offered only while there is an extension left; the card says why it is gone.
    await expect(item.getByRole("button", { name: /^Extend/ })).toHaveCount(0);
    await expect(item).toContainText("No extensions left");

    await item.getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("Delete E2E On Demand?");
    await shootBothWidths(page, shoot, "student-delete-dialog");
    await dialog.getByRole("button", { name: "Delete environment" }).click();
    await expect(item).toHaveCount(0);
    await expect(page.getByText("You have no environments yet")).toBeVisible();
    expect(await environmentsOf(page)).toEqual([]);
  });

  test("a hidden template is not in the catalog, but its launch page works", async ({ pageAs }) => {
    requireCluster();
    const page = await pageAs("student4");
    await page.goto("/");
    await expect(page.getByRole("link", { name: "E2E On Demand", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "E2E Hidden", exact: true })).toHaveCount(0);
    await expect(page.locator('a[href="/run/e2e-hidden"]')).toHaveCount(0);

    await page.goto("/run/e2e-hidden");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("E2E Hidden");
    await page.getByRole("button", { name: "Launch", exact: true }).click();
    await expect(page.getByRole("list", { name: "Launch progress" })).toBeVisible();
    expect(await environmentsOf(page)).toMatchObject([{ name: "e2e-hidden" }]);
  });

  test("the catalog search narrows the list as you type, says when nothing matches, and widens again", async ({ pageAs }) => {
    const page = await pageAs("student11");
    await page.goto("/?q=warm");
    await expect(page.getByRole("link", { name: "E2E Warm", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "E2E On Demand", exact: true })).toHaveCount(0);
    // Wider than the page was rendered with: the server is asked for the rest.
    await page.getByLabel("Search").fill("");
    await expect(page.getByRole("link", { name: "E2E On Demand", exact: true })).toBeVisible();
    await expect(page).toHaveURL("/");
    // Narrower: the cards already on the page are filtered, no request is needed.
    const requests: string[] = [];
    page.on("request", (request) => {
      if (["document", "fetch", "xhr"].includes(request.resourceType())) requests.push(request.url());
    });
    await page.getByLabel("Search").fill("zzz-nothing");
    await expect(page.getByText("No environments match")).toBeVisible();
    await expect(page.getByRole("link", { name: "E2E Warm", exact: true })).toBeHidden();
    await expect(page).toHaveURL("/?q=zzz-nothing");
    expect(requests).toEqual([]);
    await page.getByText("Show everything").click();
    await expect(page.getByRole("link", { name: "E2E Warm", exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Filter" })).toHaveCount(0);
  });

  test("the catalog's cards travel once in a page load, and are there again after leaving and coming back", async ({ pageAs }) => {
    const page = await pageAs("student11");
    // A page load carries the cards as HTML only, not a second time in the page's payload.
    const load = await page.request.get("/", { headers: { accept: "text/html" } });
    const body = await load.text();
    expect(body.split("/run/e2e-ondemand").length - 1).toBe(1);
    // A navigation within the app carries them in its payload instead.
    const navigation = await page.request.get("/", { headers: { accept: "*/*", rsc: "1" } });
    expect(await navigation.text()).toContain("/run/e2e-ondemand");

    const card = page.getByRole("link", { name: "E2E On Demand", exact: true });
    await page.goto("/");
    await expect(card).toBeVisible();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My environments", exact: true }).click();
    await expect(page).toHaveURL("/environments");
    await page.goBack();
    await expect(page).toHaveURL("/");
    await expect(card).toBeVisible();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My environments", exact: true }).click();
    await expect(page).toHaveURL("/environments");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalog", exact: true }).click();
    await expect(page).toHaveURL("/");
    await expect(card).toBeVisible();
    await card.click();
    await expect(page).toHaveURL("/run/e2e-ondemand");
  });

  test("a card says 'Running' for an environment the student has, and leads to it", async ({ pageAs }) => {
    requireCluster();
    const page = await pageAs("student14");
    await launchViaApi(page, "e2e-ondemand");
    await page.goto("/");
    const card = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "E2E On Demand", exact: true }) });
    await expect(card.getByText("Running", { exact: true })).toBeVisible();
    await card.getByRole("link", { name: "E2E On Demand", exact: true }).click();
    await expect(page).toHaveURL("/run/e2e-ondemand");
    await expect(page.getByRole("list", { name: "Launch progress" })).toBeVisible();
  });

  test("over the template's quota a student is told so and nothing is created", async ({ pageAs }) => {
    requireCluster();
    const page = await pageAs("student5");
    await launchViaApi(page, "e2e-ondemand");
    expect(await environmentsOf(page)).toHaveLength(1);

    await page.goto("/run/e2e-quota");
    await page.getByRole("button", { name: "Launch", exact: true }).click();
    await expect(alert(page)).toContainText("quota");
    await expect(page.getByRole("list", { name: "Launch progress" })).toHaveCount(0);
    expect(await environmentsOf(page)).toMatchObject([{ name: "e2e-ondemand" }]);
    await page.goto("/environments");
    await expect(page.getByTestId("quota")).toHaveText(/^1 \//);
    await expect(page.locator('[data-testid^="environment-"]')).toHaveCount(1);
  });

  test("another student's environment can be neither seen nor opened", async ({ pageAs }) => {
    requireCluster();
    const owner = await pageAs("student6");
    const theirs = await launchViaApi(owner, "e2e-private");

    const other = await pageAs("student7");
    await other.goto("/run/e2e-private");
    await expect(other.getByRole("button", { name: "Launch", exact: true })).toBeVisible();
    await expect(other.getByRole("list", { name: "Launch progress" })).toHaveCount(0);
    await expect(other.getByText(theirs.uuid)).toHaveCount(0);
    expect((await other.request.get(`/api/v1/environments/${theirs.uuid}`)).status()).toBe(404);
    expect((await other.request.delete(`/api/v1/environments/${theirs.uuid}`)).status()).toBe(404);
    await other.goto("/environments");
    await expect(other.getByText("You have no environments yet")).toBeVisible();

    // Still the owner's, untouched.
    expect((await owner.request.get(`/api/v1/environments/${theirs.uuid}`)).status()).toBe(200);
  });
});

test.describe("bad input", () => {
  test("a disabled template explains itself and an unknown one is a 404", async ({ pageAs, shoot }) => {
    const page = await pageAs("student8");
    await page.goto("/run/e2e-disabled");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("E2E Disabled");
    await expect(page.getByText(/disabled/).first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Launch", exact: true })).toHaveCount(0);
    await shootBothWidths(page, shoot, "student-run-disabled");

    const response = await page.goto("/run/no-such-template");
    await expect(page.getByText(/not found/i).first()).toBeVisible();
    expect.soft(response?.status(), "the HTTP status of an unknown template's launch page").toBe(404);
    await shootBothWidths(page, shoot, "student-run-not-found");
  });

  test("values breaking the parameter schema are refused with a clear message and create nothing", async ({ pageAs }) => {
    requireCluster();
    const page = await pageAs("student12");
    await page.goto("/run/e2e-ondemand");
    const greeting = page.getByRole("textbox", { name: /^Greeting/ });
    const launch = page.getByRole("button", { name: "Launch", exact: true });

    await greeting.fill("");
    await launch.click();
    await expect(page.getByText(/required/i).first()).toBeVisible();
    await greeting.fill("x".repeat(41));
    await launch.click();
    await expect(page.getByText(/40 characters/).first()).toBeVisible();
    await expect(page.getByRole("list", { name: "Launch progress" })).toHaveCount(0);
    expect(await environmentsOf(page)).toEqual([]);

    // The server checks again: a value the browser would refuse, sent anyway.
    await greeting.fill("hello");
    await tamperNextServerAction(page, (fields) => fields.map(([name, value]) => [name, name.endsWith("param:greeting") ? "y".repeat(41) : value]));
    await launch.click();
    await expect(alert(page)).toContainText(/40|greeting/i);
    expect(await environmentsOf(page)).toEqual([]);
  });

  test("a launch form waits for its script: a value typed then is not replaced by the form's own", async ({ pageAs }) => {
    requireCluster();
    const page = await pageAs("student20");
    // The page's scripts arrive late, as on a slow connection: the server's HTML is up well before React.
    await page.route("**/_next/static/chunks/**", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await page.goto("/run/e2e-ondemand", { waitUntil: "commit" });
    const greeting = page.getByRole("textbox", { name: /^Greeting/ });
    await expect(greeting).toBeDisabled();
    // fill() waits until the field can be edited, i.e. until React runs the form.
    await greeting.fill("");
    await page.getByRole("button", { name: "Launch", exact: true }).click();
    await expect(page.getByText(/required/i).first()).toBeVisible();
    await expect(greeting).toHaveValue("");
    expect(await environmentsOf(page)).toEqual([]);
  });

  test("a tampered launch request is refused with a clear message and creates nothing", async ({ pageAs }) => {
    requireCluster();
    const page = await pageAs("student13");
    await page.goto("/run/e2e-ondemand");
    const launch = page.getByRole("button", { name: "Launch", exact: true });

    // Another template's name in place of this one's: a disabled template stays disabled.
    await tamperNextServerAction(page, (fields) => fields.map(([name, value]) => [name, /(^|_)name$/.test(name) ? "e2e-disabled" : value]));
    await launch.click();
    await expect(alert(page)).toContainText("disabled");

    // A parameter the template does not have.
    await tamperNextServerAction(page, (fields) => {
      const prefix = fields.find(([name]) => name.endsWith("param:greeting"))![0].replace("param:greeting", "");
      // Before the action's root field: React reads a FormData argument's fields up to that one.
      return [[`${prefix}param:evil`, "$(rm -rf /)"], ...fields];
    });
    await launch.click();
    await expect(alert(page)).toContainText(/evil/);
    await expect(page.getByRole("list", { name: "Launch progress" })).toHaveCount(0);
    expect(await environmentsOf(page)).toEqual([]);
  });

  test("extending an environment deleted elsewhere, on a stale page, says what happened", async ({ pageAs }) => {
    requireCluster();
    test.setTimeout(INSTALL_TIMEOUT + 30_000);
    const page = await pageAs("student8");
    const environment = await launchViaApi(page, "e2e-ondemand");
    // Extend is offered once the environment runs.
    await expect.poll(async () => (await environmentsOf(page)).find((e) => e.uuid === environment.uuid)?.phase, { timeout: INSTALL_TIMEOUT }).toBe("Ready");
    await page.goto("/environments");
    const item = page.getByTestId(`environment-${environment.uuid}`);
    await expect(item).toBeVisible();

    const elsewhere = await pageAs("student8");
    expect((await elsewhere.request.delete(`/api/v1/environments/${environment.uuid}`)).status()).toBe(204);

    await item.getByRole("button", { name: /^Extend/ }).click();
    const explanation = /no longer|not found|deleted|no environment/i;
    await expect(alert(page)).toContainText(explanation);
    // The list refreshes without the environment, and the explanation must outlive the card it is about.
    await expect(item).toHaveCount(0);
    await page.waitForTimeout(1000);
    await expect(alert(page)).toContainText(explanation);
  });
});

test.describe("accessibility and keyboard", () => {
  test("the catalog, a launch form and an empty list have no serious accessibility violations, light and dark", async ({ pageAs, shoot }) => {
    const page = await pageAs("student11");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto("/");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Catalog");
      await expectNoSeriousViolations(page, `the catalog (${scheme})`);
      await shootBothWidths(page, shoot, `student-catalog-${scheme}`);

      await page.goto("/run/e2e-ondemand");
      // Without a cluster the page explains that launching is impossible instead of showing the form.
      await expect(page.getByRole("button", { name: "Launch", exact: true })).toHaveCount(hasCluster() ? 1 : 0);
      await expectNoSeriousViolations(page, `the launch form (${scheme})`);

      await page.goto("/environments");
      await expect(page.getByText("You have no environments yet")).toBeVisible();
      await expectNoSeriousViolations(page, `the empty environments list (${scheme})`);
      await shootBothWidths(page, shoot, `student-environments-empty-${scheme}`);
    }
  });

  test("progress and a listed environment about to expire have no serious accessibility violations, light and dark", async ({ pageAs, shoot }) => {
    requireCluster();
    const page = await pageAs("student9");
    // 90 seconds to live: under two minutes from the start, so the countdown is red and the warning shows.
    const environment = await launchViaApi(page, "e2e-short");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto("/run/e2e-short");
      await expect(page.getByRole("list", { name: "Launch progress" })).toBeVisible();
      await expectNoSeriousViolations(page, `the launch progress (${scheme})`);

      await page.goto("/environments");
      const item = page.getByTestId(`environment-${environment.uuid}`);
      await expect(item.getByTestId("countdown")).toHaveAttribute("data-tone", "red");
      await expect(item.getByRole("alert")).toContainText("will be deleted in");
      await expectNoSeriousViolations(page, `the environments list (${scheme})`);
      await shootBothWidths(page, shoot, `student-environments-expiring-${scheme}`);
    }
  });

  test("from the catalog, the keyboard alone opens a template and launches it", async ({ pageAs }) => {
    requireCluster();
    const page = await pageAs("student10");
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Catalog");
    await tabTo(page, page.getByRole("link", { name: "E2E Keyboard", exact: true }));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL("/run/e2e-keyboard");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("E2E Keyboard");
    await tabTo(page, page.getByRole("button", { name: "Launch", exact: true }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("list", { name: "Launch progress" })).toBeVisible();
    expect(await environmentsOf(page)).toMatchObject([{ name: "e2e-keyboard" }]);
  });
});
