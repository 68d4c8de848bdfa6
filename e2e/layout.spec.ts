import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import type { AccountName } from "./support/state";

/**
 * Every page at a phone's width (375 px): nothing is wider than the screen (long words and URLs wrap, tables
 * scroll inside their own box), the header stays one row with its Menu, and the current section is marked.
 */

const PHONE = { width: 375, height: 740 };

/** How much wider than the viewport the page is, and which elements stick out (for the failure message). */
async function overflow(page: Page): Promise<{ extra: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.parentElement?.closest("[data-scrolls]") && getComputedStyle(e).position !== "fixed")
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].slice(0, 3).join(".")} "${(e.textContent ?? "").trim().slice(0, 40)}"`);
    return { extra: document.documentElement.scrollWidth - width, culprits };
  });
}

const PAGES: [AccountName | null, string][] = [
  [null, "/signin"],
  [null, "/signin?error=CredentialsSignin"],
  ["student", "/"],
  ["student", "/environments"],
  ["student", "/account"],
  ["student", "/run/webterm"],
  ["student", "/run/no-such-template"],
  ["student", "/admin"],
  ["teacher", "/teach"],
  ["teacher", "/teach/classes"],
  ["teacher", "/teach/classes/new"],
  ["student", "/join/not-a-code"],
  ["admin", "/admin"],
  ["admin", "/admin/templates/webterm"],
  ["admin", "/admin/templates"],
  ["admin", "/admin/templates?deleted=1"],
  ["admin", "/admin/templates/new"],
  ["admin", "/admin/templates/new?from=duplicate"],
  ["admin", "/admin/templates/new?from=import"],
  ["admin", "/admin/audit"],
  ["admin", "/admin/audit?from=2026-02-30&action=signin"],
  ["admin", "/admin/environments"],
  ["admin", "/admin/environments?show=all&sort=owner&order=asc"],
  ["admin", "/admin/users"],
  ["admin", "/admin/users/new"],
  ["admin", "/admin/users/import"],
  ["admin", "/admin/users/account/e2e-student"],
  ["admin", "/admin/settings"],
  [null, "/signin/set-password?token=not-a-link"],
];

test.describe("phone layout", () => {
  for (const [account, path] of PAGES) {
    test(`${path} as ${account ?? "a visitor"} fits a 375 px screen`, async ({ pageAs, browser, baseURL }) => {
      const page = account ? await pageAs(account) : await (await browser.newContext({ baseURL })).newPage();
      await page.setViewportSize(PHONE);
      await page.goto(path);
      await expect(page.locator("main")).toBeVisible();
      const { extra, culprits } = await overflow(page);
      expect(extra, `${path} is ${extra} px wider than the screen: ${culprits.join("; ")}`).toBeLessThanOrEqual(0);
      if (account) {
        // The header keeps to one row: its sections are behind the Menu button until it is pressed.
        await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
        await page.getByRole("button", { name: "Menu" }).click();
        await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
        expect((await overflow(page)).extra).toBeLessThanOrEqual(0);
      }
    });
  }

  test("the open menu marks the current section and closes when a link is followed", async ({ pageAs }) => {
    const page = await pageAs("student");
    await page.setViewportSize(PHONE);
    await page.goto("/environments");
    await page.getByRole("button", { name: "Menu" }).click();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "My environments" })).toHaveAttribute("aria-current", "page");
    await expect(nav.getByRole("link", { name: "Catalog", exact: true })).not.toHaveAttribute("aria-current", "page");
    await nav.getByRole("link", { name: "Catalog", exact: true }).click();
    await expect(page).toHaveURL("/");
    await expect(nav).toBeHidden();
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect(nav.getByRole("link", { name: "Catalog", exact: true })).toHaveAttribute("aria-current", "page");
  });

  test("each launch page has a title of its own", async ({ pageAs }) => {
    const page = await pageAs("student");
    await page.goto("/run/webterm");
    await expect(page).toHaveTitle("Launch Web Terminal · Envdeck");
    await page.goto("/run/postgresql");
    await expect(page).toHaveTitle("Launch PostgreSQL · Envdeck");
    await expect(page.getByLabel(/Database name/)).toBeVisible();
  });
});
