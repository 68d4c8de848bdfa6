import { expect, requireCluster, shootBothWidths, test } from "./fixtures";
import { changeSettings } from "./support/settings";
import { expectNoSeriousViolations, launchViaApi } from "./support/student";

/**
 * An admin changes the portal's settings in the form, and the next launch follows them. The base domain is
 * put back in a `finally`, whatever happens here, so the journeys after this one see the default; they run
 * one at a time (playwright.config.ts), so none launches while it is changed; the default lifetime is put
 * back the same way, before any journey creates a template. Signs in as admin6 and
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

  test("the default lifetime of new templates and the Flux namespace: bad input beside its field, then a lifetime saved and shown again", async ({ pageAs, shoot }) => {
    const page = await pageAs("admin6");
    try {
      await page.goto("/admin/settings");
      const form = page.getByRole("form", { name: "Portal settings" });
      const lifetime = form.getByRole("group", { name: "Lifetime of new templates" });
      await expect(lifetime).toContainText("Existing templates keep theirs");
      const ttl = lifetime.getByRole("spinbutton", { name: "Lifetime", exact: true });
      const extensions = lifetime.getByRole("spinbutton", { name: "Extensions allowed" });
      const fluxNamespace = form.getByRole("textbox", { name: "Namespace for releases" });
      const serviceAccount = form.getByRole("textbox", { name: "Service account" });
      await expect(serviceAccount).toHaveAccessibleDescription(/in each environment's namespace/);

      await ttl.fill("0.5");
      await lifetime.getByRole("combobox", { name: "Lifetime: unit" }).selectOption("minutes");
      await extensions.fill("101");
      await fluxNamespace.fill("Flux_System");
      await expect(serviceAccount).toHaveAccessibleDescription(/It must exist in Flux_System: Flux looks for it in the release's namespace/);
      await form.getByRole("button", { name: "Save settings" }).click();
      await expect(fluxNamespace).toHaveAttribute("aria-invalid", "true");
      await expect(fluxNamespace).toHaveAccessibleDescription(/A namespace name: lowercase letters, digits and dashes/);
      await expect(ttl).toHaveAttribute("aria-invalid", "true");
      await expect(ttl).toHaveAccessibleDescription(/Unlimited, or from 1 minute to 365 days\./);
      await expect(extensions).toHaveAccessibleDescription(/Enter a whole number from 0 to 100\./);
      await expect(extensions).toHaveValue("101");
      await shootBothWidths(page, shoot, "admin-settings-lifetime-errors");

      await fluxNamespace.fill("");
      await ttl.fill("2");
      await lifetime.getByRole("combobox", { name: "Lifetime: unit" }).selectOption("days");
      await lifetime.getByRole("spinbutton", { name: "Each extension adds" }).fill("30");
      await lifetime.getByRole("combobox", { name: "Each extension adds: unit" }).selectOption("minutes");
      await extensions.fill("1");
      const impact = page.getByTestId("settings-impact");
      await expect(impact).toContainText("Templates created from now on without a lifetime of their own get 2 days, extended by 30 minutes once; existing templates keep theirs.");
      await form.getByRole("button", { name: "Save settings" }).click();
      await expect(form.getByRole("status").filter({ hasText: /\S/ })).toHaveText(/^Saved: default lifetime\. The web and the worker use them now\./);
      await page.reload();
      await expect(page.getByRole("spinbutton", { name: "Lifetime", exact: true })).toHaveValue("2");
      await expect(page.getByRole("spinbutton", { name: "Extensions allowed" })).toHaveValue("1");
    } finally {
      await changeSettings({ lifetime: null });
    }
  });

  test("an admin changes the base domain, seeing its impact, and the next launch uses it", async ({ pageAs, accounts, shoot }) => {
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

      // The change is in the audit trail with this admin, the old domain and the new one.
      await page.goto(`/admin/audit?action=settings.update&actor=${accounts.admin6.username}`);
      const change = page.getByRole("row").filter({ hasText: `"baseDomain": "${DOMAIN}"` });
      await expect(change).toHaveCount(1);
      await change.getByText("Before and after").click();
      await expect(change).toContainText('"baseDomain": "envdeck.localhost"');
      await expect(change).toContainText("127.0.0.1");
    } finally {
      await changeSettings({ baseDomain: null });
    }
    await page.goto("/admin/settings");
    await expect(page.getByRole("textbox", { name: "Base domain" })).toHaveValue("envdeck.localhost");
  });
});
