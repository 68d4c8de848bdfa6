import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { parse } from "yaml";
import { expect, requireCluster, shootBothWidths, test } from "./fixtures";
import { environmentsOf, expectNoSeriousViolations, launchViaApi } from "./support/student";

/**
 * The admin's template catalog, in Chromium against the production build: the list with its filters, the
 * ways to create a template (a starter, a duplicate, a DployTemplate or Envdeck file), export, delete and
 * restore, and what a student's catalog makes of it. The journey changes the catalog, so it uses accounts no
 * other journey uses (admin2, student17) and templates of its own.
 */

const SEED_EXAMPLE = path.join(import.meta.dirname, "..", "test", "fixtures", "dploy", "webterm.yaml");

async function download(page: Page, link: string): Promise<{ name: string; path: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link }).click()]);
  const saved = await file.path();
  return { name: file.suggestedFilename(), path: saved, text: await readFile(saved, "utf8") };
}

async function importFile(page: Page, file: string, name: string) {
  await page.goto("/admin/templates/new?from=import");
  const form = page.getByRole("form", { name: "Import a template" });
  await form.getByLabel("Or upload a file").setInputFiles(file);
  await expect(form.getByRole("textbox", { name: /^Template YAML/ })).not.toHaveValue("");
  await form.getByRole("textbox", { name: /^Name \(optional\)/ }).fill(name);
  await form.getByRole("button", { name: "Preview" }).click();
  await expect(form.getByRole("heading", { name: "Preview: nothing is saved yet" })).toBeVisible();
  return form;
}

test.describe("the admin's template catalog", () => {
  test("an admin creates from a starter, duplicates it, imports Dploy's example, exports and re-imports, deletes with end now and restores", async ({ pageAs, shoot }) => {
    requireCluster();
    const page = await pageAs("admin2");
    const student = await pageAs("student17");

    // From the overview to the list, which the header marks as the section shown.
    await page.goto("/admin");
    await page.getByRole("link", { name: "Manage templates" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Templates");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates", exact: true })).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).not.toHaveAttribute("aria-current", "page");

    // A starter.
    await page.getByRole("link", { name: "New template" }).click();
    const starter = page.getByRole("form", { name: "Create from a starter" });
    await starter.getByRole("radio", { name: /^VS Code/ }).check();
    await starter.getByRole("textbox", { name: /^Name/ }).fill("e2e-vscode");
    await starter.getByRole("textbox", { name: /^Display name/ }).fill("E2E VS Code");
    await starter.getByRole("button", { name: "Create template" }).click();
    await expect(page).toHaveURL("/admin/templates/e2e-vscode");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("E2E VS Code");
    await expect(page.getByRole("cell", { name: "Created from the VS Code starter" })).toBeVisible();

    // A name that is taken is refused at the field, and what was typed stays.
    await page.goto("/admin/templates/new");
    await starter.getByRole("textbox", { name: /^Name/ }).fill("e2e-vscode");
    await starter.getByRole("textbox", { name: /^Display name/ }).fill("Again");
    await starter.getByRole("button", { name: "Create template" }).click();
    await expect(starter.getByRole("alert")).toContainText('The name "e2e-vscode" is taken');
    // At the field: its message is part of the field's label.
    await expect(starter.getByRole("textbox", { name: /^Name.*is taken by another template: choose another name/ })).toBeVisible();
    await expect(starter.getByRole("textbox", { name: /^Display name/ })).toHaveValue("Again");

    // Duplicate it, from its page.
    await page.goto("/admin/templates/e2e-vscode");
    await page.getByRole("link", { name: "Duplicate" }).click();
    const duplicate = page.getByRole("form", { name: "Duplicate a template" });
    await expect(duplicate.getByRole("combobox", { name: /^Template to copy/ })).toHaveValue("e2e-vscode");
    await duplicate.getByRole("textbox", { name: /^Name/ }).fill("e2e-vscode-copy");
    await duplicate.getByRole("button", { name: "Duplicate" }).click();
    await expect(page).toHaveURL("/admin/templates/e2e-vscode-copy");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("E2E VS Code (copy)");
    await expect(page.getByRole("cell", { name: "Duplicated from e2e-vscode v1" })).toBeVisible();

    // Dploy's example: its name is the demo's, so the preview says so at the name; another name passes, and
    // the preview lists what was left out and what was read with a change, before anything is saved.
    await page.goto("/admin/templates/new?from=import");
    const form = page.getByRole("form", { name: "Import a template" });
    await form.getByLabel("Or upload a file").setInputFiles(SEED_EXAMPLE);
    await form.getByRole("button", { name: "Preview" }).click();
    await expect(form.getByRole("alert")).toContainText("This file cannot be imported: 1 problem");
    await expect(form.getByText(/belongs to|is taken/).first()).toBeVisible();
    await expect(form.getByRole("button", { name: "Import template" })).toHaveCount(0);
    await form.getByRole("textbox", { name: /^Name \(optional\)/ }).fill("e2e-dploy-webterm");
    await form.getByRole("button", { name: "Preview" }).click();
    const left = form.getByRole("region", { name: /^Left out of the template/ });
    await expect(left).toContainText("(1)");
    await expect(left.getByRole("listitem")).toHaveText(/^Line 6: metadata\.namespace is where Dploy kept the object/);
    await expect(form.getByRole("region", { name: /^Read with a change/ })).toContainText("spec.valuesTemplate");
    await expect(form.getByText("Git repository: https://github.com/AYDEV-FR/dploy-charts · charts/webterm @ main")).toBeVisible();
    await shootBothWidths(page, shoot, "template-import-preview");
    await form.getByRole("button", { name: "Import template" }).click();
    await expect(page).toHaveURL("/admin/templates/e2e-dploy-webterm");
    await expect(page.getByRole("cell", { name: "Imported from a DployTemplate" })).toBeVisible();

    // Both exports download as files; the Envdeck one imports as the same template under another name.
    const envdeck = await download(page, "Export Envdeck YAML");
    expect(envdeck.name).toBe("e2e-dploy-webterm.envdeck.yaml");
    expect(parse(envdeck.text)).toMatchObject({ apiVersion: "envdeck.dev/v1", kind: "Template", spec: { displayName: "Web Terminal", ttl: { seconds: 86400 } } });
    const dploy = await download(page, "Export DployTemplate");
    expect(dploy.name).toBe("e2e-dploy-webterm.dploy.yaml");
    expect(parse(dploy.text)).toMatchObject({ kind: "DployTemplate", spec: { valuesTemplate: expect.stringContaining('host: "{{ .Host }}"') } });
    const again = await importFile(page, envdeck.path, "e2e-dploy-again");
    await expect(again.getByRole("region", { name: /^Left out of the template/ })).toContainText("origin says which version the file was exported from");
    await expect(again.getByRole("region", { name: /^Read with a change/ })).toContainText("None.");
    await again.getByRole("button", { name: "Import template" }).click();
    await expect(page).toHaveURL("/admin/templates/e2e-dploy-again");
    await expect(page.getByRole("cell", { name: "Imported from an Envdeck template file" })).toBeVisible();

    // A student launches from the starter's template.
    await student.goto("/");
    await expect(student.getByRole("link", { name: "E2E VS Code", exact: true })).toBeVisible();
    const environment = await launchViaApi(student, "e2e-vscode");

    // Delete it, ending that environment now.
    await page.goto("/admin/templates/e2e-vscode");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Delete E2E VS Code?" });
    await expect(dialog).toContainText("1 environment of it in use:");
    await expect(dialog.getByRole("radio", { name: /^Leave it running until it expires/ })).toBeChecked();
    await dialog.getByRole("radio", { name: /^End it now/ }).check();
    await shootBothWidths(page, shoot, "template-delete-dialog");
    await dialog.getByRole("button", { name: "Delete template" }).click();
    await expect(page).toHaveURL("/admin/templates?done=deleted:e2e-vscode");
    await expect(page.getByRole("status").filter({ hasText: "Deleted e2e-vscode" })).toBeVisible();
    await expect(page.getByRole("link", { name: "E2E VS Code", exact: true })).toHaveCount(0);

    // The student's catalog no longer has it, nor they the environment.
    await student.goto("/");
    await expect(student.getByRole("heading", { level: 1 })).toHaveText("Catalog");
    await expect(student.getByRole("link", { name: "E2E VS Code", exact: true })).toHaveCount(0);
    expect((await environmentsOf(student)).map((e) => e.uuid)).not.toContain(environment.uuid);
    expect((await student.request.post("/api/v1/run/e2e-vscode", { data: { params: {} } })).status()).toBe(404);

    // Restore it from the Deleted list.
    await page.getByRole("link", { name: /^Deleted \(/ }).click();
    await expect(page).toHaveURL("/admin/templates?deleted=1");
    await shootBothWidths(page, shoot, "template-list-deleted");
    await page.getByRole("button", { name: "Restore E2E VS Code" }).click();
    await expect(page).toHaveURL("/admin/templates?done=restored:e2e-vscode");
    await expect(page.getByRole("link", { name: "E2E VS Code", exact: true })).toBeVisible();
    await student.goto("/");
    await expect(student.getByRole("link", { name: "E2E VS Code", exact: true })).toBeVisible();
  });

  test("the list filters on the server, keeps its filters in the URL, and says when nothing matches", async ({ pageAs, shoot }) => {
    const page = await pageAs("admin");
    await page.goto("/admin/templates");
    await expect(page.getByRole("link", { name: "PostgreSQL", exact: true })).toBeVisible();
    const filters = page.getByRole("search", { name: "Filter templates" });
    await filters.getByRole("searchbox", { name: "Search" }).fill("jupyter");
    await filters.getByRole("combobox", { name: "Method" }).selectOption("pool");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/[?&]q=jupyter/);
    await expect(page).toHaveURL(/[?&]method=pool/);
    const table = page.getByRole("table");
    await expect(table.getByRole("link", { name: "Jupyter Notebook" })).toBeVisible();
    await expect(table.getByRole("link", { name: "PostgreSQL" })).toHaveCount(0);
    await page.reload();
    await expect(filters.getByRole("searchbox", { name: "Search" })).toHaveValue("jupyter");
    await expect(filters.getByRole("combobox", { name: "Method" })).toHaveValue("pool");
    await expect(table.getByRole("link", { name: "Jupyter Notebook" })).toBeVisible();
    await shootBothWidths(page, shoot, "template-list-filtered");

    await page.goto("/admin/templates?q=no-template-is-called-this&state=base");
    await expect(page.getByText("No template matches these filters.")).toBeVisible();
    await page.getByRole("link", { name: "Clear the filters" }).click();
    await expect(page).toHaveURL("/admin/templates");
    await expect(page.getByRole("link", { name: "PostgreSQL", exact: true })).toBeVisible();

    // Markup in the search box is text, in the field and in the URL.
    await page.goto(`/admin/templates?q=${encodeURIComponent("<script>alert(1)</script>")}`);
    await expect(filters.getByRole("searchbox", { name: "Search" })).toHaveValue("<script>alert(1)</script>");
    await expect(page.getByText("No template matches these filters.")).toBeVisible();
  });

  test("the list, the new-template page and the import preview have no serious accessibility violations, light and dark", async ({ pageAs, shoot }) => {
    const page = await pageAs("admin");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto("/admin/templates");
      await expect(page.getByRole("table")).toBeVisible();
      await expectNoSeriousViolations(page, `the template list (${scheme})`);
      await shootBothWidths(page, shoot, `template-list-${scheme}`);

      for (const from of ["starter", "duplicate", "import"]) {
        await page.goto(`/admin/templates/new?from=${from}`);
        await expect(page.getByRole("heading", { level: 1 })).toHaveText("New template");
        await expectNoSeriousViolations(page, `new template from ${from} (${scheme})`);
        await shootBothWidths(page, shoot, `template-new-${from}-${scheme}`);
      }

      const form = await importFile(page, SEED_EXAMPLE, "a11y-preview");
      await expect(form.getByRole("button", { name: "Import template" })).toBeEnabled();
      await expectNoSeriousViolations(page, `the import preview (${scheme})`);

      await page.goto("/admin/templates/webterm");
      await page.getByRole("button", { name: "Delete", exact: true }).click();
      await expect(page.getByRole("dialog", { name: "Delete Web Terminal?" })).toBeVisible();
      await expectNoSeriousViolations(page, `the delete dialog (${scheme})`);
      await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
      await expect(page.getByRole("dialog")).toBeHidden();
    }
    await page.emulateMedia({ colorScheme: "light" });
  });

  test("teachers and students get a 403 for the list, the new-template page and an export", async ({ pageAs }) => {
    for (const role of ["teacher", "student"] as const) {
      const page = await pageAs(role);
      expect((await page.goto("/admin/templates"))?.status()).toBe(403);
      expect((await page.goto("/admin/templates/new?from=import"))?.status()).toBe(403);
      const exported = await page.request.get("/admin/templates/webterm/export?format=envdeck");
      expect(exported.status()).toBe(403);
      expect(await exported.text()).not.toContain("apiVersion");
      await page.goto("/");
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates", exact: true })).toHaveCount(0);
    }
  });
});
