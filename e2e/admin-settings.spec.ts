import { expect, requireCluster, shootBothWidths, test } from "./fixtures";
import { changeSettings } from "./support/settings";
import { expectNoSeriousViolations, launchViaApi } from "./support/student";

/**
 * An admin changes the portal's settings in the form, and the next launch follows them. The base domain is
 * put back in a `finally`, whatever happens here, so the journeys after this one see the default; they run
 * one at a time (playwright.config.ts), so none launches while it is changed. Signs in as admin6 and
 * student22, accounts no other journey uses.
 */

const DOMAIN = "people-e2e.example";

test.describe("portal settings", () => {
  test.describe.configure({ mode: "serial" });

  test("refuses bad input beside its field and keeps what was typed", async ({ pageAs, shoot }) => {
    const page = await pageAs("admin6");
    await page.goto("/admin");
    await page.getByRole("link", { name: "Edit settings" }).click();
    await expect(page).toHaveURL("/admin/settings");
    const form = page.getByRole("form", { name: "Portal settings" });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `the settings page (${scheme})`);
    }
    await shootBothWidths(page, shoot, "admin-settings-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await shootBothWidths(page, shoot, "admin-settings");

    const domain = form.getByRole("textbox", { name: "Base domain" });
    const values = form.getByRole("textbox", { name: "Values (YAML)" });
    await domain.fill("https://not a domain");
    await values.fill("- a list\n- is not a mapping\n");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(domain).toHaveAttribute("aria-invalid", "true");
    await expect(domain).toBeFocused();
    await expect(values).toHaveAccessibleDescription(/Must be a mapping/);
    await expect(values).toHaveValue("- a list\n- is not a mapping\n");

    await page.reload();
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByRole("status").filter({ hasText: /\S/ })).toHaveText("Nothing changed.");
  });

  test("an admin changes the base domain, seeing its impact, and the next launch uses it", async ({ pageAs, shoot }) => {
    requireCluster();
    test.setTimeout(90_000);
    const page = await pageAs("admin6");
    try {
      await page.goto("/admin/settings");
      const form = page.getByRole("form", { name: "Portal settings" });
      await form.getByRole("textbox", { name: "Base domain" }).fill(DOMAIN);
      const impact = page.getByTestId("settings-impact");
      await expect(impact).toContainText(`New launches get addresses under ${DOMAIN} instead of envdeck.localhost`);
      await expect(impact).not.toContainText("asks for confirmation");
      await shootBothWidths(page, shoot, "admin-settings-impact");
      await form.getByRole("button", { name: "Save settings" }).click();
      await expect(form.getByRole("status").filter({ hasText: /\S/ })).toHaveText(/^Saved: addresses\. The web and the worker use them now\./);

      const student = await pageAs("student22");
      const launched = await launchViaApi(student, "e2e-ondemand", { greeting: "hi" });
      expect(launched.url).toBe(`https://e2e-ondemand-${launched.uuid}.${DOMAIN}/`);
      expect((await student.request.delete(`/api/v1/environments/${launched.uuid}`)).status()).toBe(204);
    } finally {
      await changeSettings({ baseDomain: null });
    }
    await page.reload();
    await expect(page.getByRole("textbox", { name: "Base domain" })).toHaveValue("envdeck.localhost");
  });
});
