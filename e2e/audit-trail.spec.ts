import { request, type Page } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { expect, shootBothWidths, test } from "./fixtures";
import { expectNoSeriousViolations } from "./support/student";

/**
 * Personal tokens, sign-in throttling and the audit trail, end to end against the production build: a student
 * creates a token on their account page, copies it and lists their environments with it from a script; ten
 * wrong passwords for one account end in the lock-out message; an admin finds all of it in the audit trail
 * and exports it as CSV. The journeys build on each other, so they run in order.
 */

test.describe.configure({ mode: "serial" });

/** Whatever the journey copied, as a script would paste it. */
let copiedToken = "";
const HOSTILE_USERNAME = '=HYPERLINK("http://evil.example","x")';

/** Submits the sign-in form, waits for the server's answer and for the form to show what it expects. */
async function signInAttempt(page: Page, username: string, password: string, expected: string) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await Promise.all([page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials")), page.getByRole("button", { name: "Sign in", exact: true }).click()]);
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText(expected);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
}

test("a student creates a token on their account page, copies it once and lists their environments with it", async ({ pageAs, baseURL, shoot }) => {
  const page = await pageAs("student23");
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await page.goto("/");
  // The header's menu leads to the account page (behind Menu on a phone).
  await page.getByRole("link", { name: /^Account/ }).click();
  await expect(page).toHaveURL("/account");
  await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
  await expect(page.getByText("You have no tokens yet.")).toBeVisible();

  // Bad input is refused beside its field and creates nothing.
  const form = page.getByRole("form", { name: "Create a token" });
  await form.getByLabel("Name").fill("bell\u0007");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(form.getByText("No control characters.")).toBeVisible();
  await expect(page.getByText("You have no tokens yet.")).toBeVisible();

  await form.getByLabel("Name").fill("grading script");
  await form.getByLabel("Expires after").selectOption("7");
  await form.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByRole("region", { name: "Your new token “grading script”" });
  await expect(shown).toBeVisible();
  await expect(shown).toContainText("it is shown only this once");
  const secret = (await shown.getByTestId("new-token").textContent())!.trim();
  expect(secret).toMatch(/^edk_[A-Za-z0-9_-]{43}$/);
  await shown.getByRole("button", { name: "Copy token" }).click();
  await expect(shown.getByText("Copied", { exact: true })).toBeVisible();
  copiedToken = await page.evaluate(() => navigator.clipboard.readText());
  expect(copiedToken).toBe(secret);
  const row = page.getByRole("row", { name: /grading script/ });
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Not yet");
  await shootBothWidths(page, shoot, "account-new-token");

  // A script, with nothing of the browser's: the token alone says who it is.
  const script = await request.newContext({ baseURL });
  try {
    const listed = await script.get("/api/v1/environments", { headers: { Authorization: `Bearer ${copiedToken}` } });
    expect(listed.status()).toBe(200);
    expect(await listed.json()).toMatchObject({ environments: [], quota: { used: 0 } });
    expect((await script.get("/api/v1/environments")).status()).toBe(401);
  } finally {
    await script.dispose();
  }

  // Shown once: after a reload the secret is gone, and the list says the token was used.
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await expect(page.getByText(copiedToken)).toHaveCount(0);
  await expect(page.getByRole("row", { name: /grading script/ })).not.toContainText("Not yet");
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectNoSeriousViolations(page, `the account page (${scheme})`);
    await shootBothWidths(page, shoot, `account-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: "light" });

  // Revoking asks first; Cancel keeps the token working.
  await page.getByRole("button", { name: "Revoke grading script" }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke “grading script”?" });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("row", { name: /grading script/ })).toContainText("Active");
  await page.getByRole("button", { name: "Revoke grading script" }).click();
  await confirm.getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Revoked “grading script”" })).toBeVisible();
  await expect(page.getByRole("row", { name: /grading script/ })).toContainText("Revoked");
  const after = await request.newContext({ baseURL });
  try {
    expect((await after.get("/api/v1/environments", { headers: { Authorization: `Bearer ${copiedToken}` } })).status()).toBe(401);
  } finally {
    await after.dispose();
  }
});

test("ten wrong passwords for one account end in the lock-out message, the same as for an unknown username", async ({ page, spareAccounts, shoot }) => {
  const account = spareAccounts.lockout;
  await page.goto("/signin");
  const locked = "Too many attempts. Try again in 1 minute.";
  for (let i = 0; i < 10; i++) await signInAttempt(page, account.username, `wrong-${i}`, i < 4 ? "Incorrect username or password." : locked);
  // The right password is refused too while the wait lasts.
  await signInAttempt(page, account.username, account.password, locked);
  await expect(page).toHaveURL(/\/signin/);
  await shootBothWidths(page, shoot, "signin-locked-out");

  // A username that is no account, and text a spreadsheet would run: an ordinary failure.
  await signInAttempt(page, HOSTILE_USERNAME, "whatever", "Incorrect username or password.");
});

test("an admin finds the failures, the lock-out and the token in the audit trail, and exports it", async ({ pageAs, accounts, spareAccounts, shoot }) => {
  const page = await pageAs("admin");
  await page.goto("/admin");
  await page.getByRole("link", { name: "Open the audit trail" }).click();
  await expect(page).toHaveURL("/admin/audit");
  await expect(page.getByRole("heading", { name: "Audit trail", level: 1 })).toBeVisible();
  await expect(page.getByText("Entries older than 180 days are deleted.")).toBeVisible();

  // The sign-in events of the locked-out account, filtered with the form.
  const filters = page.getByRole("search", { name: "Filter the audit trail" });
  await filters.getByLabel("Actor").fill(spareAccounts.lockout.username);
  await filters.getByLabel("Action").selectOption("signin");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/actor=e2e-lockout&action=signin/);
  const rows = page.getByRole("row");
  await expect(page.getByRole("status").filter({ hasText: "6 entries" })).toBeVisible();
  await expect(rows.filter({ hasText: "Sign-in failed" })).toHaveCount(5);
  const lockout = rows.filter({ hasText: "Locked out after failed sign-ins" });
  await expect(lockout).toHaveCount(1);
  await expect(lockout).toContainText("127.0.0.1");
  await expect(lockout).toContainText(/Chrome/);
  await lockout.getByText("Details").click();
  await expect(lockout).toContainText('"waitSeconds": 60');
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectNoSeriousViolations(page, `the audit trail (${scheme})`);
    await shootBothWidths(page, shoot, `audit-trail-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: "light" });

  // The token the student created, with where it came from.
  await page.goto(`/admin/audit?action=token.create&actor=${accounts.student23.username}`);
  const created = page.getByRole("row").filter({ hasText: "API token created" });
  await expect(created).toHaveCount(1);
  await expect(created).toContainText("127.0.0.1");
  await created.getByText("Details").click();
  await expect(created).toContainText('"name": "grading script"');

  // A malformed filter is named beside its field, and nothing is listed.
  await page.goto("/admin/audit?from=2026-02-30&page=0");
  await expect(page.getByLabel("From (UTC)")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Not a date and time")).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);
  await shootBothWidths(page, shoot, "audit-trail-bad-filter");

  // Every sign-in event as CSV: the lock-out is there, and the hostile username is text, not a formula.
  await page.goto("/admin/audit?action=signin");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /^Export CSV/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/^envdeck-audit-\d{8}-\d{4}\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.replace(/^\uFEFF/, "").split("\r\n");
  expect(lines[0]).toBe('"id","time (UTC)","actor","actor id","action","object type","object id","source address","user agent","before","after"');
  expect(lines.filter((line) => line.includes('"e2e-lockout","","signin.fail"'))).toHaveLength(5);
  expect(lines.filter((line) => line.includes('"e2e-lockout","","signin.lockout"'))).toHaveLength(1);
  // Usernames are matched in lowercase, so that is how the failure names it.
  expect(csv).toContain(`"'=hyperlink(""http://evil.example"",""x"")"`);
  expect(csv).not.toMatch(/(^|,)"=hyperlink/im);

  // The export is in the trail too.
  await page.goto("/admin/audit?action=audit.export");
  await expect(page.getByRole("row").filter({ hasText: "Audit trail exported" }).first()).toContainText(accounts.admin.username);
});

test("students and teachers cannot open the audit trail or its export", async ({ pageAs }) => {
  for (const account of ["student", "teacher"] as const) {
    const page = await pageAs(account);
    expect((await page.goto("/admin/audit"))?.status()).toBe(403);
    const exported = await page.request.get("/admin/audit/export");
    expect(exported.status()).toBe(403);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" })).toHaveCount(0);
  }
});
