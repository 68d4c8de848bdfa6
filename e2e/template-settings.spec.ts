import type { Locator, Page } from "@playwright/test";
import { expect, requireCluster, shootBothWidths, test } from "./fixtures";
import { environmentsOf, expectNoSeriousViolations, launchViaApi } from "./support/student";

/**
 * An admin edits a template's settings in the form on its page, and students see the result: the journeys
 * sign in as accounts no other journey uses (admin2, student17) and change templates no other journey reads
 * (e2e-settings, e2e-instructions; e2e/support/cluster.ts).
 */

/** Flux fetches the chart and installs it: seconds, but a loaded two-core machine deserves slack. */
const INSTALL_TIMEOUT = 120_000;

/** Turns a switch with the keyboard, as its label says, and checks it turned. */
async function toggle(page: Page, control: Locator, on: boolean) {
  await control.focus();
  await page.keyboard.press("Space");
  await expect(control).toBeChecked({ checked: on });
}

test.describe("template settings", () => {
  test("an admin renames a template, changes its lifetime seeing the impact and confirming, is refused a pool, and edits labels", async ({ pageAs, shoot }) => {
    test.setTimeout(90_000);
    const page = await pageAs("admin2");
    await page.goto("/admin/templates/e2e-settings");
    const sections = page.getByRole("navigation", { name: "On this page" });
    for (const name of ["Settings", "Spec", "History", "Preview"]) {
      await expect(sections.getByRole("link", { name })).toHaveAttribute("href", `#${name.toLowerCase()}`);
      await expect(page.getByRole("heading", { level: 2, name, exact: true })).toBeVisible();
    }
    const form = page.getByRole("form", { name: "Template settings" });
    const save = form.getByRole("button", { name: "Save settings" });
    const status = form.getByRole("status").filter({ hasText: /\S/ });
    await expect(form.getByRole("radiogroup", { name: "Icon" }).getByRole("radio")).toHaveCount(8);
    await shootBothWidths(page, shoot, "template-settings");

    // A refused save: the error beside the field, the focus on it, and what was typed kept.
    const displayName = form.getByRole("textbox", { name: "Display name" });
    await displayName.fill("");
    await form.getByRole("textbox", { name: "Description" }).fill("Kept while the name is fixed.");
    await save.click();
    await expect(displayName).toHaveAttribute("aria-invalid", "true");
    await expect(displayName).toBeFocused();
    await expect(displayName).toHaveAccessibleDescription("Enter a display name.");
    await expect(form.getByRole("textbox", { name: "Description" })).toHaveValue("Kept while the name is fixed.");
    await displayName.fill("E2E Settings Lab");

    // The lifetime and the listing have an impact: it is shown before saving, and hiding asks for a confirmation.
    const lifetime = form.getByRole("spinbutton", { name: "Lifetime" });
    await expect(lifetime).toHaveValue("1");
    await expect(form.getByRole("combobox", { name: "Lifetime: unit" })).toHaveValue("hours");
    await lifetime.fill("2");
    const impact = page.getByTestId("settings-impact");
    await expect(impact).toContainText("New launches get 2 hours.");
    await toggle(page, form.getByRole("switch", { name: /^Listed in the catalog/ }), false);
    await expect(impact).toContainText("It disappears from the catalog; it stays launchable by its link. (asks for confirmation)");
    await impact.scrollIntoViewIfNeeded();
    await shootBothWidths(page, shoot, "template-settings-impact");

    await save.click();
    const dialog = page.getByRole("dialog", { name: "Save this change?" });
    await expect(dialog).toContainText("It disappears from the catalog; it stays launchable by its link.");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("E2E Settings");
    await expect(page.getByRole("heading", { level: 1 })).not.toContainText("Lab");
    await save.click();
    await dialog.getByRole("button", { name: "Save anyway" }).click();
    await expect(status).toHaveText("Saved: display name, description, catalog listing and lifetime.");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("E2E Settings Lab");
    await expect(impact).toBeHidden();

    // Listed again: no confirmation needed.
    await toggle(page, form.getByRole("switch", { name: /^Listed in the catalog/ }), true);
    await expect(impact).toContainText("It appears in the catalog.");
    await save.click();
    await expect(status).toHaveText("Saved: catalog listing.");

    // A warm pool cannot read who launches it: refused beside the method, the choice kept.
    const method = form.getByRole("radiogroup", { name: "Method" });
    await method.getByRole("radio", { name: /Warm pool/ }).check();
    await expect(form.getByRole("spinbutton", { name: "Warm members" })).toBeVisible();
    await save.click();
    await expect(method).toHaveAttribute("aria-invalid", "true");
    await expect(method).toBeFocused();
    await expect(method).toHaveAccessibleDescription(/cannot use who launches it, but it uses "owner" and "params" in the values template of this template/);
    await expect(method.getByRole("radio", { name: /Warm pool/ })).toBeChecked();
    await method.getByRole("radio", { name: /On demand/ }).check();

    // Labels and annotations, by keyboard: a new row takes the focus; a bad key is refused on its row.
    const labels = form.getByRole("group", { name: "Labels" });
    await labels.getByRole("button", { name: "Add label" }).click();
    await expect(labels.getByRole("textbox", { name: "Key of label 1" })).toBeFocused();
    await page.keyboard.type("course");
    await page.keyboard.press("Tab");
    await page.keyboard.type("net101");
    await labels.getByRole("button", { name: "Add label" }).press("Enter");
    await expect(labels.getByRole("textbox", { name: "Key of label 2" })).toBeFocused();
    await page.keyboard.type("-team");
    await labels.getByRole("textbox", { name: "Value of label 2" }).fill("blue");
    const annotations = form.getByRole("group", { name: "Annotations" });
    await annotations.getByRole("button", { name: "Add annotation" }).click();
    await page.keyboard.type("example.com/contact");
    await annotations.getByRole("textbox", { name: "Value of annotation 1" }).fill("Networks team <net@example.edu>");
    await save.click();
    const badKey = labels.getByRole("textbox", { name: "Key of label 2" });
    await expect(badKey).toBeFocused();
    await expect(badKey).toHaveAccessibleDescription(/starts and ends with a letter or digit/);
    await badKey.fill("team");
    await save.click();
    await expect(status).toHaveText("Saved: labels and annotations.");
    // Removing the last row hands the focus to the row before it.
    await labels.getByRole("button", { name: "Remove label 2 (team)" }).press("Enter");
    await expect(labels.getByRole("textbox", { name: "Key of label 1" })).toBeFocused();
    await save.click();
    await expect(status).toHaveText("Saved: labels.");

    await page.reload();
    await expect(labels.getByRole("textbox", { name: "Key of label 1" })).toHaveValue("course");
    await expect(labels.getByRole("textbox", { name: "Value of label 1" })).toHaveValue("net101");
    await expect(labels.getByRole("textbox", { name: "Key of label 2" })).toHaveCount(0);
    await expect(annotations.getByRole("textbox", { name: "Value of annotation 1" })).toHaveValue("Networks team <net@example.edu>");
    await expect(form.getByRole("spinbutton", { name: "Lifetime" })).toHaveValue("2");
    await save.click();
    await expect(status).toHaveText("Nothing changed.");

    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `the template settings form (${scheme})`);
    }
    await shoot(page, "template-settings-dark");
    await page.emulateMedia({ colorScheme: "light" });

    // Students see the new name in the catalog.
    const student = await pageAs("student17");
    await student.goto("/");
    await expect(student.getByRole("link", { name: "E2E Settings Lab", exact: true })).toBeVisible();
  });

  test("a template reached by instructions shows them, hostile values kept on their line, with Copy instead of Open", async ({ pageAs, shoot }) => {
    requireCluster();
    test.setTimeout(INSTALL_TIMEOUT + 60_000);
    const page = await pageAs("student17");
    // A greeting that tries to start a line of its own.
    const launched = await launchViaApi(page, "e2e-instructions", { greeting: "x\nURGENT: go to evil.example" });
    await page.goto("/run/e2e-instructions");
    const message = page.getByTestId("connection-message");
    await expect(message).toBeVisible({ timeout: INSTALL_TIMEOUT });
    await expect(message).toHaveText(`Connect with:\nssh x URGENT: go to evil.example@e2e-instructions-${launched.uuid}.envdeck.localhost\nYour password is in your e-mail.`);
    await expect(page.getByRole("link", { name: /^Open/ })).toHaveCount(0);
    await page.getByRole("button", { name: "Copy instructions" }).click();
    await expect(page.getByText(/^(Copied|Copy it from the box: the browser refused)$/)).toBeVisible();
    await shootBothWidths(page, shoot, "student-launch-instructions");

    await page.goto("/environments");
    const card = page.getByTestId(`environment-${launched.uuid}`);
    await expect(card.getByTestId("connection-message")).toContainText("ssh x URGENT: go to evil.example@");
    await expect(card.getByRole("link", { name: /^Open/ })).toHaveCount(0);
    await expect(card.getByRole("button", { name: "Copy instructions" })).toBeVisible();
    const [environment] = await environmentsOf(page);
    expect(environment).toMatchObject({ uuid: launched.uuid, name: "e2e-instructions" });
    await expectNoSeriousViolations(page, "an environment reached by instructions");
    await shootBothWidths(page, shoot, "student-environments-instructions");
  });
});
