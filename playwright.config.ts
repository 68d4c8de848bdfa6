import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/support/browser";

// A fixed loopback port (override with ENVDECK_E2E_PORT): the config is read by every worker, so it must
// come out the same each time.
const port = Number(process.env.ENVDECK_E2E_PORT ?? 3107);

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  outputDir: "e2e/.artifacts/results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: chromiumLaunchOptions(),
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
