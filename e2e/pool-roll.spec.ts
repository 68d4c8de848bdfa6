import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import { expect, requireCluster, shootBothWidths, test } from "./fixtures";
import { ARTIFACTS } from "./support/state";
import { expectNoSeriousViolations } from "./support/student";

/**
 * An admin follows a warm pool live on its template's page: sizes it and watches the real Flux install its
 * members, claims one, saves a new spec and watches the old version's members marked outdated and replaced
 * (the claimed one kept), then recycles the pool by hand behind a confirmation. The journey signs in as an
 * account no other journey uses (admin3) and works on a template no other journey reads (e2e-pool-roll).
 */

/** Flux fetches the chart and installs it for every member: seconds each, but a loaded two-core machine deserves slack. */
const INSTALL_TIMEOUT = 180_000;

/** The value of one fact of the pool ("Available" → "2"). */
function fact(panel: Locator, label: string): Locator {
  return panel
    .getByTestId("pool-facts")
    .locator("div")
    .filter({ has: panel.page().getByRole("term").filter({ hasText: new RegExp(`^${label}$`) }) })
    .getByRole("definition");
}

/** How much wider than the screen the page is (tables scroll inside their own box). */
async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** The row of one version in the members table. */
function versionRow(panel: Locator, version: number): Locator {
  return panel.getByRole("table", { name: "Members by version" }).getByRole("row").filter({ has: panel.page().getByRole("rowheader", { name: new RegExp(`^v${version} `) }) });
}

/** The cells of a version's row, as text, by column name. */
async function cellsOf(panel: Locator, version: number): Promise<Record<string, string>> {
  const headers = await panel.getByRole("table", { name: "Members by version" }).getByRole("columnheader").allInnerTexts();
  const row = versionRow(panel, version);
  const values = [await row.getByRole("rowheader").innerText(), ...(await row.getByRole("cell").allInnerTexts())];
  return Object.fromEntries(headers.map((header, i) => [header.trim(), values[i]!.trim()]));
}

async function expectCounts(panel: Locator, version: number, expected: Record<string, string>, timeout = INSTALL_TIMEOUT) {
  await expect.poll(async () => (await versionRow(panel, version).count()) > 0 && (await cellsOf(panel, version)), { timeout }).toMatchObject(expected);
}

async function scrollToPool(page: Page) {
  await page.getByRole("heading", { level: 2, name: "Pool", exact: true }).scrollIntoViewIfNeeded();
}

test.describe("a warm pool followed live", () => {
  test("an admin sees the pool fill, roll forward to a new spec with the old members marked outdated and replaced, and recycles it by hand", async ({ pageAs, shoot }) => {
    requireCluster();
    test.setTimeout(5 * INSTALL_TIMEOUT);
    const page = await pageAs("admin3");
    await page.goto("/admin/templates/e2e-pool-roll");
    const sections = page.getByRole("navigation", { name: "On this page" });
    await expect(sections.getByRole("link", { name: "Pool" })).toHaveAttribute("href", "#pool");
    const panel = page.getByTestId("pool-panel");
    await expect(fact(panel, "Desired size")).toHaveText("0");
    await expect(panel.getByRole("cell", { name: "No members yet." })).toBeVisible();

    // Sized in the settings form: the section follows the members as Flux installs them, without a reload.
    const form = page.getByRole("form", { name: "Template settings" });
    await form.getByRole("spinbutton", { name: "Warm members" }).fill("2");
    await expect(page.getByTestId("settings-impact")).toContainText("Creates 2 pool members.");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByRole("status").filter({ hasText: /\S/ })).toHaveText("Saved: pool size.");
    await expect(fact(panel, "Desired size")).toHaveText("2");
    await expectCounts(panel, 1, { Version: "v1 current", Available: "2", Starting: "0", Failed: "0" });
    await expect(fact(panel, "Available")).toHaveText("2");
    await expect(panel.getByRole("status").filter({ hasText: /^Pool:/ })).toHaveText("Pool: 2 of 2 warm members ready.");
    await scrollToPool(page);
    await shootBothWidths(page, shoot, "pool-filled");

    // The admin claims a member: it is kept, whatever happens to the pool next.
    const claim = await page.request.post("/api/v1/run/e2e-pool-roll", { data: {} });
    expect(claim.status()).toBe(201);
    expect(await claim.json()).toMatchObject({ outcome: "claimed", version: 1 });
    await expectCounts(panel, 1, { Available: "2", Claimed: "1" });

    // A new spec: version 2 members start, and the version 1 ones are marked outdated and replaced.
    const editor = page.getByRole("form", { name: "Edit deployable spec" });
    await editor.getByRole("textbox", { name: /^Values template/ }).fill("greeting: second {{ uuid }}\n");
    await editor.getByRole("textbox", { name: /^What changed/ }).fill("A second greeting");
    await editor.getByRole("button", { name: "Save new version" }).click();
    await expect(editor.getByRole("status")).toHaveText("Saved as version 2.");
    await expect(versionRow(panel, 2).getByRole("rowheader")).toHaveText("v2 current");
    await expect(versionRow(panel, 1).getByRole("rowheader")).toHaveText(/^v1 outdated/);
    await expectCounts(panel, 2, { Available: "2", Starting: "0" });
    await expectCounts(panel, 1, { Version: "v1 outdated", Available: "0", Starting: "0", Claimed: "1" });
    const ended = panel.getByRole("list", { name: "Members ended lately" });
    await expect(ended.getByRole("listitem").filter({ hasText: "(v1) · Replaced by a member of version 2" })).toHaveCount(2, { timeout: INSTALL_TIMEOUT });
    await expect(panel).toContainText("Claimed members keep their version until their users end them.");
    await scrollToPool(page);
    await shootBothWidths(page, shoot, "pool-rolled");
    await page.setViewportSize({ width: 375, height: 740 });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Recycle by hand: the dialog says how many members it ends; cancelling ends none.
    const recycle = panel.getByRole("button", { name: "Recycle members…" });
    await recycle.click();
    const dialog = page.getByRole("dialog", { name: "Recycle pool members?" });
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await expect(dialog.getByRole("radio", { name: /^Every unclaimed member \(2\)/ })).toBeVisible();
    await expect(dialog.getByRole("radio", { name: /^Members of older versions \(0\)/ })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(recycle).toBeFocused();

    await recycle.click();
    await dialog.getByRole("radio", { name: /^Every unclaimed member/ }).check();
    await expect(dialog.getByTestId("recycle-impact")).toHaveText(
      "This ends 2 members: the worker tears them down and starts members of version 2 in their place. Claimed members are not touched.",
    );
    // The dialog is drawn over the screen: kept as the screen shows it, at both widths.
    for (const [width, height, name] of [[1280, 800, "desktop"], [375, 740, "phone"]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(ARTIFACTS, "screenshots", `pool-recycle-dialog-${name}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `the recycle dialog (${scheme})`);
    }
    await page.emulateMedia({ colorScheme: "light" });
    await dialog.getByRole("button", { name: "End 2 members" }).click();
    await expect(panel.getByRole("status").filter({ hasText: /^Ended/ })).toHaveText("Ended 2 members: the worker tears them down and starts new ones in their place.");
    await expect(ended.getByRole("listitem").filter({ hasText: "(v2) · Recycled by e2e-admin3 (every unclaimed member)" })).toHaveCount(2);
    await expectCounts(panel, 2, { Available: "2", Starting: "0" });
    await expectCounts(panel, 1, { Claimed: "1" }, 10_000);

    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `the template page with its pool (${scheme})`);
    }
    await scrollToPool(page);
    await shootBothWidths(page, shoot, "pool-dark");
    await page.emulateMedia({ colorScheme: "light" });

    // The admin's own environment ends with the journey.
    const claimed = (await claim.json()) as { uuid: string };
    expect((await page.request.delete(`/api/v1/environments/${claimed.uuid}`)).status()).toBe(204);
  });

  test("students and teachers get a 403 from the pool's route, and signed-out callers a 401", async ({ pageAs, playwright, baseURL }) => {
    for (const role of ["student", "teacher"] as const) {
      const page = await pageAs(role);
      const response = await page.request.get("/api/v1/templates/e2e-pool-roll/pool");
      expect(response.status()).toBe(403);
      expect(await response.text()).not.toContain("recyclable");
    }
    const anonymous = await playwright.request.newContext({ baseURL });
    expect((await anonymous.get("/api/v1/templates/e2e-pool-roll/pool")).status()).toBe(401);
    await anonymous.dispose();
  });
});
