import type { Browser, Page } from "@playwright/test";
import { expect, shootBothWidths, shootEverySide, test } from "./fixtures";
import { expectNoSeriousViolations } from "./support/student";

/**
 * An admin manages accounts: imports a class list (a dry run first), creates an account with a set-password
 * link, edits and disables accounts, and cannot lock themselves out. Signs in as admin6, an account no
 * other journey uses; every account it creates is its own (e2e-cl-…, e2e-link-…).
 */

const CLASS = Array.from({ length: 30 }, (_, i) => ({ username: `e2e-cl-${String(i + 1).padStart(2, "0")}`, name: `Class Student ${i + 1}` }));
const HEADER = "username,display name,email,groups,role";
const csvFile = (lines: string[]) => ({ name: "class-2c.csv", mimeType: "text/csv", buffer: Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`) });

/** Signs in through the sign-in form, in a browser context of its own. */
async function signInAs(browser: Browser, baseURL: string, username: string, password: string, landsOn = "/"): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await page.goto("/signin");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(landsOn);
  return page;
}

test.describe("accounts", () => {
  test.describe.configure({ mode: "serial" });

  test("an admin imports a class list of 30 students, dry run first, and one signs in with the shown password", async ({ pageAs, accounts, shoot, browser, baseURL }) => {
    test.setTimeout(120_000);
    const page = await pageAs("admin6");
    await page.goto("/admin");
    await page.getByRole("link", { name: "Import a class list" }).click();
    await expect(page).toHaveURL("/admin/users/import");
    await expect(page.getByRole("heading", { level: 1, name: "Import a class list" })).toBeVisible();
    const form = page.getByRole("form", { name: "Class list" });
    const file = form.getByLabel("CSV file");

    // A file with problems: the dry run says which rows, and nothing can be imported from it.
    const rows = CLASS.map((s) => `${s.username},${s.name},${s.username}@example.edu,class-2c,`);
    await file.setInputFiles(csvFile([HEADER, ...rows, `${CLASS[3]!.username},Twice,,class-2c,`, "e2e-cl-bad,,not-an-email,,"]));
    await form.getByRole("button", { name: "Check the file (dry run)" }).click();
    await expect(page.getByTestId("dry-run-summary")).toHaveText("2 of 32 rows have problems: nothing is imported until they are fixed (the import is all or nothing).");
    await expect(page.getByRole("row").filter({ hasText: "is already on line 5" })).toHaveCount(1);
    await expect(page.getByRole("row").filter({ hasText: "email: Enter an email address" })).toHaveCount(1);
    await expect(form.getByRole("button", { name: /^Import/ })).toHaveCount(0);

    // The fixed file passes the dry run, which still writes nothing.
    await file.setInputFiles(csvFile([HEADER, ...rows]));
    await form.getByRole("button", { name: "Check the file (dry run)" }).click();
    await expect(page.getByTestId("dry-run-summary")).toHaveText("All 30 accounts can be created.");
    await expect(page.getByRole("heading", { name: "Dry run: nothing is written yet" })).toBeFocused();
    // The page's title is streamed with its metadata after a client-side navigation: wait for it, then check.
    await expect(page).toHaveTitle("Import a class list · Envdeck");
    await expectNoSeriousViolations(page, "the class list dry run");
    await shootBothWidths(page, shoot, "admin-users-import-dry-run");
    const users = await page.request.get("/admin/users?q=e2e-cl-");
    expect(await users.text()).not.toContain("e2e-cl-01");

    await form.getByRole("button", { name: "Import 30 accounts" }).click();
    await expect(page.getByRole("heading", { name: "Imported 30 accounts" })).toBeVisible();
    await expect(page.getByTestId("imported-account")).toHaveCount(30);
    await shootBothWidths(page, shoot, "admin-users-imported");
    const row = page.getByTestId("imported-account").filter({ hasText: "e2e-cl-07" });
    const password = (await row.getByRole("cell").nth(2).textContent())!.trim();
    expect(password.length).toBeGreaterThan(15);

    // The admin sees the password is one its owner still has to replace.
    await page.goto("/admin/users/account/e2e-cl-07");
    await expect(page.getByText("A one-time password, not yet replaced: its owner chooses their own at the next sign-in")).toBeVisible();

    // A one-time password signs in to one thing only: choosing a password of one's own, then on to the catalog.
    const student = await signInAs(browser, baseURL!, "e2e-cl-07", password, "/account/password?callbackUrl=%2F");
    await expect(student.getByRole("heading", { level: 1, name: "Choose your own password" })).toBeVisible();
    await expect(student).toHaveTitle("Change your password · Envdeck");
    await student.goto("/environments");
    await expect(student).toHaveURL("/account/password?callbackUrl=%2Fenvironments");
    expect((await student.request.get("/api/v1/environments")).status()).toBe(403);
    await shootEverySide(student, shoot, "choose-own-password", "choosing one's own password");
    await student.getByLabel("Current password").fill("not the one at all");
    await student.getByLabel("New password").fill("seven purple kites");
    await student.getByLabel("The same password again").fill("seven purple kites");
    await student.getByRole("button", { name: "Change password" }).click();
    await expect(student.locator("#current-error")).toHaveText("This is not your current password.");
    await expect(student.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
    await student.getByLabel("Current password").fill(password);
    await student.getByRole("button", { name: "Change password" }).click();
    await expect(student).toHaveURL("/environments");
    await expect(student.getByTestId("signed-in-user")).toContainText("Class Student 7");
    // Later, from the account page, whenever they like.
    await student.goto("/account");
    await shootEverySide(student, shoot, "account", "the account page");
    await student.getByRole("link", { name: "Change your password" }).click();
    await expect(student.getByRole("heading", { level: 1, name: "Change your password" })).toBeVisible();
    await shootEverySide(student, shoot, "change-password", "changing one's password");
    await student.getByLabel("Current password").fill("seven purple kites");
    await student.getByLabel("New password").fill("eight orange kites");
    await student.getByLabel("The same password again").fill("eight orange kites");
    await student.getByRole("button", { name: "Change password" }).click();
    await expect(student.getByRole("status").filter({ hasText: "Your password is changed." })).toBeVisible();
    await student.context().close();
    await (await signInAs(browser, baseURL!, "e2e-cl-07", "eight orange kites")).context().close();
    await page.goto("/admin/users/account/e2e-cl-07");
    await expect(page.getByRole("definition").filter({ hasText: /^Set$/ })).toBeVisible();

    // The audit trail has each account the import created, and the new student's first sign-in.
    await page.goto(`/admin/audit?action=user.create&actor=${accounts.admin6.username}`);
    const created = page.getByRole("row").filter({ hasText: '"username": "e2e-cl-07"' });
    await expect(created).toHaveCount(1);
    await created.getByText("Details").click();
    await expect(created).toContainText('"via": "class list"');
    await page.goto("/admin/audit?action=signin.success&actor=e2e-cl-07");
    await expect(page.getByRole("row").filter({ has: page.getByText("signin.success", { exact: true }) })).toHaveCount(2);
    await page.goto("/admin/audit?action=user.password-change&actor=e2e-cl-07");
    await expect(page.getByRole("row").filter({ has: page.getByText("user.password-change", { exact: true }) })).toHaveCount(2);

    // The list finds them by search and filters.
    await page.goto("/admin/users?q=e2e-cl-&role=student&source=local&status=enabled");
    await expect(page.getByRole("status").filter({ hasText: "of" })).toContainText("30 of");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `the user list (${scheme})`);
    }
    await shootBothWidths(page, shoot, "admin-users-list-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await shootBothWidths(page, shoot, "admin-users-list");
  });

  test("an admin creates an account with a set-password link, and its owner sets a password and signs in", async ({ pageAs, shoot, browser, baseURL }) => {
    const page = await pageAs("admin6");
    await page.goto("/admin/users");
    await page.getByRole("link", { name: "New account" }).click();
    const form = page.getByRole("form", { name: "New account" });
    await shootBothWidths(page, shoot, "admin-users-new");

    // A refused save keeps what was typed, with the error beside the field.
    const username = form.getByRole("textbox", { name: "Username" });
    await username.fill("Not Valid");
    await form.getByRole("textbox", { name: "Display name" }).fill("Link Person");
    await form.getByRole("button", { name: "Create account" }).click();
    await expect(username).toHaveAttribute("aria-invalid", "true");
    await expect(username).toBeFocused();
    await expect(form.getByRole("textbox", { name: "Display name" })).toHaveValue("Link Person");

    await username.fill("e2e-link-1");
    await form.getByRole("textbox", { name: "Groups" }).fill("class-2c, chem");
    await form.getByRole("radio", { name: /A set-password link/ }).check();
    await form.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Set-password link for e2e-link-1" })).toBeFocused();
    const link = (await page.getByTestId("credential-value").textContent())!.trim();
    expect(new URL(link).pathname).toBe("/signin/set-password");

    const visitor = await (await browser.newContext({ baseURL })).newPage();
    await visitor.goto(new URL(link).pathname + new URL(link).search);
    await expect(visitor.getByText("For the Envdeck account e2e-link-1")).toBeVisible();
    await shootBothWidths(visitor, shoot, "set-password");
    await visitor.getByLabel("New password").fill("short");
    await visitor.getByRole("button", { name: "Set password" }).click();
    await expect(visitor.getByLabel("New password")).toHaveAttribute("aria-invalid", "true");
    await expect(visitor.locator("#password-error")).toHaveText("At least 10 characters.");
    await visitor.getByLabel("New password").fill("violet tractor umbrella");
    await visitor.getByLabel("The same password again").fill("violet tractor umbrella");
    await visitor.getByRole("button", { name: "Set password" }).click();
    await expect(visitor.getByText("Your password is set. Sign in as e2e-link-1.")).toBeVisible();
    // Once only.
    await visitor.reload();
    await expect(visitor.getByText(/This link cannot be used/)).toBeVisible();
    await visitor.context().close();

    const person = await signInAs(browser, baseURL!, "e2e-link-1", "violet tractor umbrella");
    await expect(person.getByTestId("signed-in-user")).toContainText("Link Person");
    await person.context().close();
  });

  test("an admin edits an account's groups and roles, and disabling it ends the person's session", async ({ pageAs, shoot, browser, baseURL }) => {
    const page = await pageAs("admin6");
    await page.goto("/admin/users/account/e2e-link-1");
    await expect(page.getByRole("heading", { level: 1, name: "Link Person" })).toBeVisible();
    const form = page.getByRole("form", { name: "Account details" });
    await form.getByRole("textbox", { name: "Groups" }).fill("class-3a");
    await form.getByRole("checkbox", { name: "Teacher" }).check();
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(form.getByRole("status")).toHaveText("Saved: groups, roles.");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(form.getByRole("status")).toHaveText("Nothing changed.");
    await shootBothWidths(page, shoot, "admin-users-account");

    const person = await signInAs(browser, baseURL!, "e2e-link-1", "violet tractor umbrella");
    await expect(person.getByRole("link", { name: "Teach" })).toBeVisible();

    await page.getByRole("button", { name: "Disable account" }).click();
    const dialog = page.getByRole("dialog", { name: "Disable e2e-link-1?" });
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await dialog.getByRole("button", { name: "Disable" }).click();
    await expect(page.getByText("Disabled e2e-link-1: they are signed out and cannot sign in.")).toBeVisible();

    await person.goto("/environments");
    await expect(person).toHaveURL(/\/signin/);
    await person.getByLabel("Username").fill("e2e-link-1");
    await person.getByLabel("Password").fill("violet tractor umbrella");
    await person.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(person.getByText("Incorrect username or password.")).toBeVisible();
    await person.context().close();

    await page.getByRole("button", { name: "Enable account" }).click();
    await expect(page.getByText("Enabled e2e-link-1: they can sign in again.")).toBeVisible();
  });

  test("a single sign-on account's roles show where they come from, read-only", async ({ pageAs, shoot, browser, baseURL }) => {
    // Tina signs in through the OpenID Provider, whose directory puts her in the teachers' group.
    const tina = await (await browser.newContext({ baseURL })).newPage();
    await tina.goto("/signin");
    await tina.getByRole("button", { name: "Sign in with School Login" }).click();
    await tina.locator('input[name="login"]').fill("tina");
    await tina.locator('input[name="password"]').fill("anything");
    await tina.getByRole("button", { name: "Sign-in" }).click();
    await tina.getByRole("button", { name: "Continue" }).click();
    await expect(tina.getByTestId("signed-in-user")).toContainText("Tina Teacher");
    await tina.context().close();

    const page = await pageAs("admin6");
    await page.goto("/admin/users?source=oidc");
    await page.getByRole("link", { name: "Tina Teacher" }).click();
    await expect(page).toHaveURL("/admin/users/account/tina");
    await expect(page.getByText("Read-only: the identity provider sets them at each sign-in.")).toBeVisible();
    await expect(page.getByTestId("role-origins")).toHaveText(/student \(derived: every account\)\s*teacher \(derived: group "envdeck-teachers"\)/);
    await expect(page.getByRole("form", { name: "Account details" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Reset password" })).toHaveCount(0);
    await shootBothWidths(page, shoot, "admin-users-sso-account");
  });

  test("an admin cannot remove their own admin role or disable themselves", async ({ pageAs, accounts, shoot }) => {
    const page = await pageAs("admin6");
    await page.goto(`/admin/users/account/${accounts.admin6.username}`);
    await expect(page.getByText("This is your own account.")).toBeVisible();
    const admin = page.getByRole("checkbox", { name: "Admin" });
    await expect(admin).toBeChecked();
    await expect(admin).toBeDisabled();
    await expect(admin).toHaveAccessibleDescription(/You cannot remove your own admin role or disable your own account: another admin must do it/);
    await expect(page.getByRole("button", { name: "Disable account" })).toHaveCount(0);
    await expect(page.getByTestId("disable-refused")).toHaveText(/You cannot remove your own admin role/);
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `an account's page (${scheme})`);
    }
    await page.emulateMedia({ colorScheme: "light" });
    await shootBothWidths(page, shoot, "admin-users-self");
  });
});
