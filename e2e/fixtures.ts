import { test as base, expect, type Page } from "@playwright/test";
import { existsSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, WORKER_LOG, readState, storageStatePath, type AccountName, type E2eState } from "./support/state";
import { expectNoSeriousViolations } from "./support/student";

/**
 * `accounts`: the accounts the global setup created (one per role, plus extra students); `spareAccounts`: the
 * ones it never signed in, for journeys that type wrong passwords. `pageAs(account)`:
 * a page already signed in as that account (from the session saved by the global setup), in a browser
 * context of its own. `shoot(page, name)`: a screenshot kept as an artifact, at the page's current size.
 * A failed test gets the worker's log attached, when a worker runs.
 */
export const test = base.extend<{
  accounts: E2eState["accounts"];
  spareAccounts: E2eState["spareAccounts"];
  pageAs: (account: AccountName) => Promise<Page>;
  shoot: (page: Page, name: string) => Promise<void>;
  workerLogOnFailure: void;
}>({
  accounts: async ({}, use) => {
    await use(readState().accounts);
  },
  spareAccounts: async ({}, use) => {
    await use(readState().spareAccounts);
  },
  pageAs: async ({ browser, baseURL }, use) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    await use(async (account) => {
      const context = await browser.newContext({ baseURL, storageState: storageStatePath(account) });
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
  workerLogOnFailure: [
    async ({}, use, testInfo) => {
      await use();
      if (testInfo.status !== testInfo.expectedStatus && existsSync(WORKER_LOG)) {
        await testInfo.attach("worker.log", { path: WORKER_LOG, contentType: "text/plain" });
      }
    },
    { auto: true },
  ],
});

export { expect };

/** Whether the portal runs against a real cluster with Flux (see the global setup). */
export function hasCluster(): boolean {
  return readState().cluster;
}

/**
 * Skips the calling test when the portal has no cluster, with the global setup's loud reason. (When
 * ENVDECK_REQUIRE_CLUSTER=1 the global setup has failed already, so nothing is skipped silently in CI.)
 */
export function requireCluster(): void {
  const state = readState();
  test.skip(!state.cluster, state.clusterMissing ?? "no cluster");
}

/** The same page at desktop and phone widths, both kept as screenshots. */
export async function shootBothWidths(page: Page, shoot: (page: Page, name: string) => Promise<void>, name: string) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await shoot(page, `${name}-desktop`);
  await page.setViewportSize({ width: 375, height: 740 });
  await shoot(page, `${name}-phone`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Fails the test when the page is wider than its viewport (something does not wrap). */
export async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  expect(widths.page, `${what} is wider than the ${widths.viewport} px viewport`).toBeLessThanOrEqual(widths.viewport);
}

/** Screenshots at both widths in light and dark, with axe on each scheme and the phone's width checked. */
export async function shootEverySide(page: Page, shoot: (page: Page, name: string) => Promise<void>, name: string, what: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectNoSeriousViolations(page, `${what} (${scheme})`);
    await shootBothWidths(page, shoot, `${name}-${scheme}`);
  }
  await page.setViewportSize({ width: 375, height: 740 });
  await expectNoSidewaysScroll(page, `${what} at 375 px`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: "light" });
}
