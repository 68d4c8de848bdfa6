import { test as base, expect, type Page } from "@playwright/test";
import path from "node:path";
import { ARTIFACTS, readState, storageStatePath, type E2eState, type RoleName } from "./support/state";

/**
 * `accounts`: the per-role accounts the global setup created. `pageAs(role)`: a page already signed in as
 * that role (from the session saved by the global setup). `shoot(page, name)`: a screenshot kept as an
 * artifact, at the page's current size.
 */
export const test = base.extend<{
  accounts: E2eState["accounts"];
  pageAs: (role: RoleName) => Promise<Page>;
  shoot: (page: Page, name: string) => Promise<void>;
}>({
  accounts: async ({}, use) => {
    await use(readState().accounts);
  },
  pageAs: async ({ browser, baseURL }, use) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    await use(async (role) => {
      const context = await browser.newContext({ baseURL, storageState: storageStatePath(role) });
      contexts.push(context);
      return context.newPage();
    });
    await Promise.all(contexts.map((c) => c.close()));
  },
  shoot: async ({}, use, testInfo) => {
    await use(async (page, name) => {
      const file = path.join(ARTIFACTS, "screenshots", `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(name, { path: file, contentType: "image/png" });
    });
  },
});

export { expect };

/** The same page at desktop and phone widths, both kept as screenshots. */
export async function shootBothWidths(page: Page, shoot: (page: Page, name: string) => Promise<void>, name: string) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await shoot(page, `${name}-desktop`);
  await page.setViewportSize({ width: 375, height: 740 });
  await shoot(page, `${name}-phone`);
  await page.setViewportSize({ width: 1280, height: 800 });
}
