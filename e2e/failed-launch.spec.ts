import type { Page } from "@playwright/test";
import { expect, expectNoSidewaysScroll, hasCluster, requireCluster, shootBothWidths, test } from "./fixtures";
import { changeSettings } from "./support/settings";
import { environmentsOf, expectNoSeriousViolations, launchViaApi, type Environment } from "./support/student";

/**
 * Launches that cannot succeed, on the production build against the real control plane: the e2e-unreachable
 * template's chart repository is a closed port, so Flux's real source-controller reports it refused, and the
 * worker gives the launch up once the fetch limit passes. The limit is made short through the settings for
 * these journeys only (the specs run one at a time), and put back afterwards.
 */

const FETCH_LIMIT_SECONDS = 10;
/** The limit, Flux's first report before it, and slack for a loaded two-core machine. */
const FAILURE_TIMEOUT = 90_000;
const STUDENT_WORDS = "The environment's chart could not be downloaded. This is not something you did. Try again later, or tell your teacher if it keeps happening.";
const RAW_REPORT = /^Gave up after 10 s without progress fetching the chart .*Last report: Chart source: .*127\.0\.0\.1:9.*connection refused/;

/** Waits, through the API, until the caller's environment `uuid` has failed. */
async function failedEnvironment(page: Page, uuid: string): Promise<Environment & { problem: { kind: string } }> {
  let failed: (Environment & { problem: { kind: string } }) | undefined;
  await expect
    .poll(
      async () => {
        failed = (await environmentsOf(page)).find((e) => e.uuid === uuid) as typeof failed;
        return failed?.phase;
      },
      { timeout: FAILURE_TIMEOUT, intervals: [1000] },
    )
    .toBe("Failed");
  return failed!;
}

test.describe("a launch whose chart cannot be fetched", () => {
  test.beforeAll(async () => {
    if (hasCluster()) await changeSettings({ launch: { fetchTimeoutSeconds: FETCH_LIMIT_SECONDS } });
  });
  test.afterAll(async () => {
    if (hasCluster()) await changeSettings({ launch: null });
  });

  test("fails within its limit in plain words with the technical details, frees the quota and offers Retry and Delete", async ({ pageAs, shoot }) => {
    requireCluster();
    test.setTimeout(FAILURE_TIMEOUT + 120_000);
    const page = await pageAs("student15");
    await page.goto("/run/e2e-unreachable");
    // A long word the cards must wrap on a phone.
    const greeting = "hello-from-a-student-who-types-no-spaces";
    await page.getByRole("textbox", { name: /^Greeting/ }).fill(greeting);
    await page.getByRole("button", { name: "Launch", exact: true }).click();
    await expect(page.getByRole("list", { name: "Launch progress" })).toBeVisible();

    await expect(page.locator("#progress-heading")).toHaveText("The launch failed", { timeout: FAILURE_TIMEOUT });
    await expect(page.getByTestId("problem")).toHaveText(STUDENT_WORDS);
    // The applying step (where the chart is downloaded) is the one marked failed.
    await expect(page.getByRole("list", { name: "Launch progress" }).getByRole("listitem").nth(1)).toHaveAttribute("data-state", "failed");
    const raw = page.getByText(RAW_REPORT);
    await expect(raw).toBeHidden();
    await page.getByText("Technical details", { exact: true }).click();
    await expect(raw).toBeVisible();
    await expect(page.getByRole("button", { name: "Retry", exact: true })).toBeEnabled();
    await expect(page.getByRole("button", { name: "Delete", exact: true })).toBeEnabled();
    await expect(page.getByRole("button", { name: /^Extend/ })).toHaveCount(0);
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `the failed launch (${scheme})`);
      await shootBothWidths(page, shoot, `failed-launch-progress-${scheme}`);
    }
    await page.setViewportSize({ width: 375, height: 740 });
    await expectNoSidewaysScroll(page, "the failed launch at 375 px");
    await page.setViewportSize({ width: 1280, height: 800 });

    // It no longer counts: a template that allows one environment at a time still launches.
    const [failed] = await environmentsOf(page);
    expect(failed).toMatchObject({ name: "e2e-unreachable", phase: "Failed", params: { greeting }, problem: { kind: "source-unreachable", summary: STUDENT_WORDS } });
    expect((await (await page.request.get("/api/v1/environments")).json()).quota.used).toBe(0);
    const other = await launchViaApi(page, "e2e-quota");

    await page.emulateMedia({ colorScheme: "light" });
    await page.goto("/environments");
    await expect(page.getByTestId("quota")).toHaveText(/^1 \//);
    const card = page.getByTestId(`environment-${failed!.uuid}`);
    await expect(card.getByRole("heading", { level: 2 })).toContainText("Failed");
    await expect(card.getByTestId("problem")).toHaveText(STUDENT_WORDS);
    await expect(card).toContainText("Started");
    await expect(card).toContainText(greeting);
    await expect(card.getByRole("button", { name: /^Extend/ })).toHaveCount(0);
    await expect(card.getByRole("button", { name: /^Retry/ })).toBeVisible();
    await expect(card.getByRole("button", { name: "Delete", exact: true })).toBeVisible();
    // Internals are folded away until asked for.
    await expect(card.getByText(failed!.uuid, { exact: true })).toBeHidden();
    await card.getByText("Details", { exact: true }).click();
    await expect(card.getByText(failed!.uuid, { exact: true })).toBeVisible();
    await expect(card.getByText(RAW_REPORT)).toBeVisible();
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `the environments list with a failed environment (${scheme})`);
      await shootBothWidths(page, shoot, `failed-launch-environments-${scheme}`);
    }
    await page.setViewportSize({ width: 375, height: 740 });
    await expectNoSidewaysScroll(page, "the environments list at 375 px");
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: "light" });

    // Retry ends the failed one and launches again with the same parameters.
    await card.getByRole("button", { name: /^Retry/ }).click();
    await expect(page.getByRole("status").filter({ hasText: "E2E Unreachable is starting again." })).toBeVisible();
    await expect(card).toHaveCount(0);
    const after = await environmentsOf(page);
    expect(after.map((e) => e.name).sort()).toEqual(["e2e-quota", "e2e-unreachable"]);
    const retried = after.find((e) => e.name === "e2e-unreachable")!;
    expect(retried.uuid).not.toBe(failed!.uuid);
    expect(retried).toMatchObject({ params: { greeting } });
    expect(after.find((e) => e.name === "e2e-quota")!.uuid).toBe(other.uuid);
  });

  test("deleting a failed launch from its progress brings the form back", async ({ pageAs }) => {
    requireCluster();
    test.setTimeout(FAILURE_TIMEOUT + 60_000);
    const page = await pageAs("student16");
    const launched = await launchViaApi(page, "e2e-unreachable");
    await failedEnvironment(page, launched.uuid);
    await page.goto("/run/e2e-unreachable");
    await expect(page.locator("#progress-heading")).toHaveText("The launch failed");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete environment" }).click();
    await expect(page.getByRole("button", { name: "Launch", exact: true })).toBeVisible();
    expect(await environmentsOf(page)).toEqual([]);
  });

  test("staff read the cause, the fix and Flux's report plainly, and retry from the progress view", async ({ pageAs, shoot }) => {
    requireCluster();
    test.setTimeout(FAILURE_TIMEOUT + 60_000);
    const page = await pageAs("teacher");
    const launched = await launchViaApi(page, "e2e-unreachable");
    await failedEnvironment(page, launched.uuid);
    await page.goto("/run/e2e-unreachable");
    await expect(page.locator("#progress-heading")).toHaveText("The launch failed");
    await expect(page.getByTestId("problem")).toHaveText(STUDENT_WORDS);
    await expect(page.getByText(/^For staff: Check the template's chart URL/)).toBeVisible();
    await expect(page.getByText(RAW_REPORT).first()).toBeVisible();
    await expectNoSeriousViolations(page, "the failed launch as staff see it");
    await shootBothWidths(page, shoot, "failed-launch-progress-staff");

    await page.getByRole("button", { name: "Retry", exact: true }).click();
    await expect(page.locator("#progress-heading")).toHaveText(/Starting your environment|The launch failed/);
    // Released, then launched again: a new environment of the template takes the failed one's place.
    const relaunched = async () => (await environmentsOf(page)).find((e) => e.name === "e2e-unreachable" && e.uuid !== launched.uuid);
    await expect.poll(async () => Boolean(await relaunched())).toBe(true);
    expect((await environmentsOf(page)).map((e) => e.uuid)).not.toContain(launched.uuid);
    expect((await page.request.delete(`/api/v1/environments/${(await relaunched())!.uuid}`)).status()).toBe(204);
  });
});
