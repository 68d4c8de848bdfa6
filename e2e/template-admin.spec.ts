import { expect, shootBothWidths, test } from "./fixtures";

test.describe("template versions in the admin area", () => {
  test("an admin previews, edits with a clear error, saves, compares and rolls back", async ({ pageAs, shoot }) => {
    const page = await pageAs("admin");
    await page.goto("/admin/templates");
    // By its address: an imported copy of the same template may also be called Web Terminal.
    await page.locator('a[href="/admin/templates/webterm"]').click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Web Terminal");
    await expect(page.getByRole("cell", { name: "v1", exact: true })).toBeVisible();

    // Preview with a parameter chosen from the generated form.
    const preview = page.getByRole("form", { name: "Preview values" });
    await preview.getByRole("combobox", { name: /^Login shell/ }).selectOption("/bin/zsh");
    await preview.getByRole("button", { name: "Preview values" }).click();
    await expect(page.getByLabel("Rendered values")).toContainText("shell: /bin/zsh");
    await expect(page.getByLabel("Rendered values")).toContainText("user: e2e-admin");

    // A broken template is refused with its position, and nothing is saved.
    const editor = page.getByRole("form", { name: "Edit deployable spec" });
    const values = editor.getByRole("textbox", { name: /^Values template/ });
    const original = await values.inputValue();
    await values.fill(`${original}broken: {{ hostname }}\n`);
    await editor.getByRole("button", { name: "Save new version" }).click();
    await expect(editor.getByRole("alert")).toContainText('unknown variable "hostname"');
    await expect(page.getByRole("cell", { name: "v2", exact: true })).toHaveCount(0);
    // What the admin typed is still there to fix.
    await expect(values).toHaveValue(/broken: \{\{ hostname \}\}/);

    // A valid change becomes version 2.
    await values.fill(`${original}motd: Welcome {{ owner }}\n`);
    await editor.getByRole("textbox", { name: /^What changed/ }).fill("Add a welcome message");
    await editor.getByRole("button", { name: "Save new version" }).click();
    await expect(editor.getByRole("status")).toHaveText("Saved as version 2.");
    await expect(page.getByRole("cell", { name: "Add a welcome message" })).toBeVisible();

    // The diff shows the added line.
    await page.reload();
    await expect(page.getByLabel("Differences")).toContainText("+    motd: Welcome {{ owner }}");
    await shootBothWidths(page, shoot, "template-admin");

    // Roll back to version 1: a new version 3 equal to version 1.
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Roll back to v1" }).click();
    await expect(page.getByRole("cell", { name: "Rolled back to v1" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("v3");
  });

  test("teachers and students get a 403 for template pages", async ({ pageAs }) => {
    for (const role of ["teacher", "student"] as const) {
      const page = await pageAs(role);
      expect((await page.goto("/admin/templates/webterm"))?.status()).toBe(403);
    }
  });

  test("an unknown template is a 404", async ({ pageAs }) => {
    const page = await pageAs("admin");
    expect((await page.goto("/admin/templates/no-such-template"))?.status()).toBe(404);
  });
});
