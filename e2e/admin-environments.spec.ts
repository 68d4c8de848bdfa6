import type { Page } from "@playwright/test";
import { expect, hasCluster, requireCluster, shootBothWidths, shootEverySide, test } from "./fixtures";
import { changeSettings } from "./support/settings";
import { environmentsOf, expectNoSeriousViolations, launchViaApi, type Environment } from "./support/student";

/**
 * An admin's environments on the production build against the real control plane with Flux: every
 * environment in a list that follows changes live, one in full with Flux's report and its history, a retry,
 * and a bulk end of every environment of a template. Its launches use accounts and a template of its own
 * (student18 to student20, admin4, e2e-bulk), and e2e-unreachable, whose chart repository is a closed port:
 * its launches fail once the fetch limit passes, made short here as in the failed-launch journeys.
 */

const FETCH_LIMIT_SECONDS = 10;
/** The limit, Flux's first report before it, and slack for a loaded two-core machine. */
const FAILURE_TIMEOUT = 90_000;
const READY_TIMEOUT = 120_000;
const RAW_REPORT = /^Gave up after 10 s without progress fetching the chart .*Last report: Chart source: .*127\.0\.0\.1:9.*connection refused/;

/** Waits, through the owner's API, until their environment `uuid` is in `phase`. */
async function waitForPhase(page: Page, uuid: string, phase: string, timeout: number): Promise<Environment> {
  let found: Environment | undefined;
  await expect
    .poll(
      async () => {
        found = (await environmentsOf(page)).find((e) => e.uuid === uuid);
        return found?.phase;
      },
      { timeout, intervals: [1000] },
    )
    .toBe(phase);
  return found!;
}

test.describe("an admin's environments", () => {
  test.beforeAll(async () => {
    if (hasCluster()) await changeSettings({ launch: { fetchTimeoutSeconds: FETCH_LIMIT_SECONDS } });
  });
  test.afterAll(async () => {
    if (hasCluster()) await changeSettings({ launch: null });
  });

  test("finds a failed environment, reads Flux's report and retries it, then ends every environment of a template at once", async ({ pageAs, accounts, shoot }) => {
    requireCluster();
    test.setTimeout(FAILURE_TIMEOUT + READY_TIMEOUT + 180_000);
    const owner = await pageAs("student18");
    const failing = await launchViaApi(owner, "e2e-unreachable", { greeting: "from-the-admin-journey" });
    const students = await Promise.all((["student18", "student19", "student20"] as const).map((name) => pageAs(name)));
    const bulk = await Promise.all(students.map((page) => launchViaApi(page, "e2e-bulk")));
    await waitForPhase(owner, failing.uuid, "Failed", FAILURE_TIMEOUT);

    // From the admin's overview and the header to the list, narrowed to the failed one in the filter form.
    const admin = await pageAs("admin4");
    await admin.goto("/admin");
    await admin.getByRole("link", { name: "Manage environments" }).click();
    await expect(admin).toHaveURL("/admin/environments");
    await expect(admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Environments", exact: true })).toHaveAttribute("aria-current", "page");
    const filters = admin.getByRole("search", { name: "Filter environments" });
    await filters.getByLabel("Template").selectOption("e2e-unreachable");
    await filters.getByLabel("Owner").fill(accounts.student18.username);
    await filters.getByLabel("Failed or in trouble").check();
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(admin).toHaveURL(`/admin/environments?template=e2e-unreachable&owner=${accounts.student18.username}&failed=1`);
    const row = admin.getByTestId(`environment-row-${failing.uuid}`);
    await expect(row).toContainText("Failed");
    await expect(row).toContainText(accounts.student18.username);
    await expect(row).toContainText(`e2e-unreachable-${failing.uuid}`);
    await expect(row).toContainText("The environment's chart could not be downloaded.");
    await shootEverySide(admin, shoot, "admin-environments-failed", "the list of environments filtered to a failed one");

    // Its page: Flux's message as recorded, the conditions, the history with its phases, the parameters.
    await row.getByRole("link", { name: `e2e-unreachable-${failing.uuid}`, exact: true }).click();
    await expect(admin).toHaveURL(`/admin/environments/${failing.uuid}`);
    await expect(admin.getByRole("heading", { level: 1 })).toHaveText(`e2e-unreachable-${failing.uuid}`);
    await expect(admin.getByTestId("environment-message")).toHaveText(RAW_REPORT);
    await expect(admin.getByTestId("admin-problem")).toContainText("For staff: Check the template's chart URL");
    const conditions = admin.getByRole("table", { name: "Flux's last conditions" });
    await expect(conditions).toContainText("HelmRepository");
    await expect(conditions).toContainText("connection refused");
    const history = admin.getByRole("table", { name: "Phase history" });
    for (const phase of ["Pending", "Provisioning", "Failed"]) await expect(history.getByRole("cell", { name: phase, exact: true }).first()).toBeVisible();
    await expect(admin.getByTestId("environment-params")).toContainText('"greeting": "from-the-admin-journey"');
    await expect(admin.getByTestId("environment-values")).toContainText(`"owner": "${accounts.student18.username}"`);
    await expect(admin.getByRole("button", { name: "Extend…", exact: true })).toBeDisabled();
    await expect(admin.getByText("This environment failed to start, so there is nothing to extend.")).toBeVisible();
    await shootEverySide(admin, shoot, "admin-environment-failed", "a failed environment's page");

    // Retry: asked first (Escape cancels), then ended and launched again for its owner with the same parameters.
    await admin.getByRole("button", { name: "Retry…" }).click();
    const retryDialog = admin.getByRole("dialog", { name: `Retry e2e-unreachable-${failing.uuid}?` });
    await expect(retryDialog).toContainText(`launched again for ${accounts.student18.username} with the same parameters`);
    await admin.keyboard.press("Escape");
    await expect(retryDialog).toBeHidden();
    await admin.getByRole("button", { name: "Retry…" }).click();
    await retryDialog.getByRole("button", { name: "Retry", exact: true }).click();
    await expect(admin.getByRole("status").filter({ hasText: /^Retried: / })).toContainText("takes its place");
    await expect(admin.locator("p[role=status][aria-live=polite]")).toHaveText(/^(Expiring|Torn down)/);
    const mine = await environmentsOf(owner);
    expect(mine.map((e) => e.uuid)).not.toContain(failing.uuid);
    const retried = mine.find((e) => e.name === "e2e-unreachable") as (Environment & { params: Record<string, unknown> }) | undefined;
    expect(retried?.params).toEqual({ greeting: "from-the-admin-journey" });
    await admin.getByRole("link", { name: "Open the new environment" }).click();
    await expect(admin).toHaveURL(`/admin/environments/${retried!.uuid}`);
    await expect(admin.getByRole("table", { name: "Audit entries" })).toContainText(accounts.admin4.username);
    expect((await owner.request.delete(`/api/v1/environments/${retried!.uuid}`)).status()).toBe(204);

    // Every environment of e2e-bulk: the list follows them to Ready without a reload, then all end at once.
    await admin.goto("/admin/environments");
    await filters.getByLabel("Template").selectOption("e2e-bulk");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(admin).toHaveURL("/admin/environments?template=e2e-bulk");
    for (const launched of bulk) await expect(admin.getByTestId(`environment-row-${launched.uuid}`).getByText("Ready", { exact: true })).toBeVisible({ timeout: READY_TIMEOUT });
    await admin.getByRole("checkbox", { name: "Act on every environment matching the filter (3)" }).check();
    await expect(admin.getByTestId("selection-count")).toHaveText("All 3 environments matching the filter");
    await admin.getByRole("group", { name: "Bulk actions" }).getByRole("button", { name: "End…", exact: true }).click();
    const endDialog = admin.getByRole("dialog", { name: "End 3 environments?" });
    await expect(endDialog.getByTestId("bulk-plan")).toHaveText("Ends 3 environments.");
    await expect(endDialog).toContainText("Every live environment the filter matches now: environments of e2e-bulk.");
    await expectNoSeriousViolations(admin, "the bulk end's confirmation");
    await shootBothWidths(admin, shoot, "admin-environments-bulk-confirm");
    await endDialog.getByRole("button", { name: "End 3 environments" }).click();
    const summary = admin.getByTestId("bulk-summary");
    await expect(summary.getByRole("heading")).toHaveText("Ended 3 environments.");
    await expect(summary.getByRole("cell", { name: "Ended", exact: true })).toHaveCount(3);
    for (const launched of bulk) await expect(summary).toContainText(launched.uuid);
    await shootEverySide(admin, shoot, "admin-environments-bulk-summary", "the bulk end's summary");
    for (const [i, page] of students.entries()) expect((await environmentsOf(page)).map((e) => e.uuid)).not.toContain(bulk[i]!.uuid);
    // The list follows them being torn down without a reload.
    await expect(admin.getByText("No environment matches these filters.")).toBeVisible({ timeout: READY_TIMEOUT });

    // The audit trail names this admin for each step: the retry's end and relaunch, and every bulk end.
    const steps: [string, string][] = [[failing.uuid, "instance.release"], [retried!.uuid, "instance.launch"], ...bulk.map((b): [string, string] => [b.uuid, "instance.release"])];
    for (const [uuid, action] of steps) {
      await admin.goto(`/admin/audit?actor=${accounts.admin4.username}&object=${uuid}`);
      const entry = admin.getByRole("row").filter({ has: admin.getByText(action, { exact: true }) });
      await expect(entry).toHaveCount(1);
      await expect(entry).toContainText("127.0.0.1");
    }
    const ended = admin.getByRole("row").filter({ has: admin.getByText("instance.release", { exact: true }) });
    await ended.getByText("Before and after").click();
    await expect(ended).toContainText(`"reason": "bulk end by an admin"`);
  });

  test("picks rows for a bulk extend and says, for each, what happened and why", async ({ pageAs, accounts }) => {
    requireCluster();
    test.setTimeout(READY_TIMEOUT + 60_000);
    const student = await pageAs("student19");
    const launched = await launchViaApi(student, "e2e-bulk");
    const admin = await pageAs("admin4");
    await admin.goto(`/admin/environments?template=e2e-bulk&owner=${accounts.student19.username}`);
    const row = admin.getByTestId(`environment-row-${launched.uuid}`);
    await row.getByRole("checkbox", { name: `Pick e2e-bulk-${launched.uuid}` }).check();
    await expect(admin.getByTestId("selection-count")).toHaveText("1 picked");
    const bar = admin.getByRole("group", { name: "Bulk actions" });
    await bar.getByRole("button", { name: "Extend…", exact: true }).click();
    const dialog = admin.getByRole("dialog", { name: "Extend 1 environment?" });
    await expect(dialog.getByTestId("bulk-plan")).toHaveText("Extends 1 environment.");
    await dialog.getByRole("button", { name: "Extend 1 environment" }).click();
    await expect(admin.getByTestId("bulk-summary").getByRole("heading")).toHaveText("Extended 1 environment.");
    // e2e-bulk allows one extension: asked again, the preview says it would be refused, and why.
    await row.getByRole("checkbox", { name: `Pick e2e-bulk-${launched.uuid}` }).check();
    await bar.getByRole("button", { name: "Extend…", exact: true }).click();
    await expect(dialog.getByTestId("bulk-plan")).toHaveText("Extends 0 environments; 1 refused.");
    await expect(dialog).toContainText("No extensions left: this environment has been extended the maximum of 1 time.");
    await expect(dialog.getByRole("button", { name: "Nothing to do" })).toBeDisabled();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    const [environment] = await environmentsOf(student);
    expect(environment).toMatchObject({ uuid: launched.uuid, extendCount: 1 });
    expect((await student.request.delete(`/api/v1/environments/${launched.uuid}`)).status()).toBe(204);
  });

  test("a list URL with filters it does not understand shows why beside the fields and lists nothing", async ({ pageAs, shoot }) => {
    const admin = await pageAs("admin4");
    await admin.goto("/admin/environments?phase=Gone&page=0&owner=%27%3B%20DROP%20TABLE%20instances%3B%20--&colour=red");
    const filters = admin.getByRole("search", { name: "Filter environments" });
    await expect(filters.getByText("must be one of Pending, Provisioning, Ready, Available, Claimed, Expiring, Failed")).toBeVisible();
    await expect(filters.getByText(/^must be part of an owner key/)).toBeVisible();
    await expect(filters.getByLabel("Owner")).toHaveValue("'; DROP TABLE instances; --");
    await expect(filters.getByLabel("Owner")).toHaveAttribute("aria-invalid", "true");
    await expect(filters.getByText("colour")).toBeVisible();
    await expect(admin.getByRole("main").getByRole("alert")).toContainText("Some of the list's filters are not valid");
    await expect(admin.getByRole("table")).toHaveCount(0);
    await expectNoSeriousViolations(admin, "the list with filters it does not understand");
    await shootBothWidths(admin, shoot, "admin-environments-bad-filters");
    await admin.getByRole("link", { name: "Show every live environment" }).click();
    await expect(admin).toHaveURL("/admin/environments");
    await expect(admin.getByRole("main").getByRole("alert")).toHaveCount(0);
  });

  test("students and teachers cannot open the admin's environments, by page or by API", async ({ pageAs }) => {
    for (const account of ["student18", "teacher"] as const) {
      const page = await pageAs(account);
      await page.goto("/admin/environments");
      await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Environments", exact: true })).toHaveCount(0);
      await page.goto("/admin/environments/00000000");
      await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
      expect((await page.request.get("/api/v1/admin/environments")).status()).toBe(403);
      const bulk = await page.request.post("/api/v1/admin/environments/bulk", { data: { action: "end", filter: {}, confirm: 0 } });
      expect(bulk.status()).toBe(403);
    }
  });
});
