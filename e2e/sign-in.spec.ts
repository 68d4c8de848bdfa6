import { expect, hasCluster, shootBothWidths, test } from "./fixtures";

test.describe("local accounts", () => {
  for (const role of ["student", "teacher", "admin"] as const) {
    test(`a ${role} signs in and sees exactly the ${role}'s pages`, async ({ page, accounts, shoot }) => {
      const account = accounts[role];
      await page.goto("/signin");
      await page.getByLabel("Username").fill(account.username);
      await page.getByLabel("Password").fill(account.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(page).toHaveURL("/");
      await expect(page.getByTestId("signed-in-user")).toContainText(account.displayName);
      await expect(page.getByRole("heading", { level: 1, name: "Catalog", exact: true })).toBeVisible();

      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(nav.getByRole("link", { name: "Teach", exact: true })).toHaveCount(role === "student" ? 0 : 1);
      await expect(nav.getByRole("link", { name: "Admin", exact: true })).toHaveCount(role === "admin" ? 1 : 0);
      await expect(nav.getByRole("link", { name: "Templates", exact: true })).toHaveCount(role === "admin" ? 1 : 0);
      // Teachers run classes; admins are teachers too.
      for (const name of ["Classes", "Warm-ups", "Catalogs", "Class templates"]) await expect(nav.getByRole("link", { name, exact: true })).toHaveCount(role === "student" ? 0 : 1);

      const teach = await page.goto("/teach");
      expect(teach?.status()).toBe(role === "student" ? 403 : 200);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(role === "student" ? "You do not have access to this page" : "Teaching");
      if (role === "student") await shootBothWidths(page, shoot, "forbidden");

      const admin = await page.goto("/admin");
      expect(admin?.status()).toBe(role === "admin" ? 200 : 403);
      if (role === "admin") {
        await expect(page.getByRole("heading", { name: "Administration" })).toBeVisible();
        // The overview leads to the list of templates (template-catalog.spec.ts).
        await expect(page.getByRole("link", { name: "Manage templates" })).toBeVisible();
        await shootBothWidths(page, shoot, "admin");
      }
      if (role === "teacher") {
        await page.goto("/teach");
        await shootBothWidths(page, shoot, "teach");
      }
    });
  }

  test("the catalog lists the templates by category", async ({ pageAs, shoot }) => {
    const page = await pageAs("student");
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "learning" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Web Terminal" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Jupyter Notebook" })).toBeVisible();
    // Only a portal without a cluster warns that launching is impossible (api.spec.ts covers that one).
    await expect(page.getByRole("status").filter({ hasText: "Launching is unavailable right now" })).toHaveCount(hasCluster() ? 0 : 1);
    await shootBothWidths(page, shoot, "catalog");
  });

  test("a wrong password and an unknown user get the same message", async ({ page, spareAccounts, shoot }) => {
    await page.goto("/signin");
    // An account of its own: wrong passwords count towards its sign-in throttling.
    await page.getByLabel("Username").fill(spareAccounts.typo.username);
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const alert = page.getByRole("alert").filter({ hasText: /\S/ });
    await expect(alert).toHaveText("Incorrect username or password.");
    await shootBothWidths(page, shoot, "signin-error");

    await page.getByLabel("Username").fill("no-such-user");
    await page.getByLabel("Password").fill("whatever");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
    await expect(alert).toHaveText("Incorrect username or password.");
    await expect(page).toHaveURL(/\/signin/);
  });

  test("empty, overlong and unicode credentials get clear messages", async ({ page }) => {
    await page.goto("/signin");
    const submit = page.getByRole("button", { name: "Sign in", exact: true });
    await submit.click();
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Enter your username.");
    await page.getByLabel("Username").fill("someone");
    await submit.click();
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Enter your password.");
    await page.getByLabel("Username").fill("u".repeat(64));
    await page.getByLabel("Password").fill("x");
    await submit.click();
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Usernames are at most 63 characters.");
    await page.getByLabel("Username").fill("学生👩‍🎓");
    await page.getByLabel("Password").fill("пароль\u2028");
    await submit.click();
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Incorrect username or password.");
  });

  test("the server refuses overlong credentials even when the browser check is bypassed", async ({ request }) => {
    // e2e-longpass really has this 300-character password; sign-in accepts at most 256 characters.
    const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
    const response = await request.post("/api/auth/callback/credentials", {
      form: { csrfToken, username: "e2e-longpass", password: "p".repeat(300), json: "true" },
      maxRedirects: 0,
    });
    expect(response.headers()["set-cookie"] ?? "").not.toContain("session-token");
    const session = await (await request.get("/api/auth/session")).json();
    expect(session).toEqual({});
  });

  test("a signed-out visitor is sent to sign-in and then back to the page they asked for", async ({ page, accounts }) => {
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fadmin/);
    await page.getByLabel("Username").fill(accounts.admin.username);
    await page.getByLabel("Password").fill(accounts.admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL("/admin");
    await expect(page.getByRole("heading", { name: "Administration" })).toBeVisible();
  });

  test("a crafted callback URL cannot send the user to another site", async ({ page, accounts }) => {
    await page.goto("/signin?callbackUrl=https%3A%2F%2Fevil.example%2F");
    await page.getByLabel("Username").fill(accounts.student.username);
    await page.getByLabel("Password").fill(accounts.student.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL("/");
  });

  test("signing out ends the session", async ({ pageAs }) => {
    const page = await pageAs("teacher");
    await page.goto("/");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin/);
    await page.goto("/teach");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fteach/);
  });
});

test.describe("OpenID Connect", () => {
  test("a user whose groups claim names the teachers group signs in as a teacher", async ({ page, shoot }) => {
    await page.goto("/signin");
    await shootBothWidths(page, shoot, "signin");
    await page.getByRole("button", { name: "Sign in with School Login" }).click();
    await page.locator('input[name="login"]').fill("tina");
    await page.locator('input[name="password"]').fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL("/");
    await expect(page.getByTestId("signed-in-user")).toContainText("Tina Teacher");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Teach" })).toBeVisible();
    expect((await page.goto("/teach"))?.status()).toBe(200);
    expect((await page.goto("/admin"))?.status()).toBe(403);

    // The session carries allow-listed claims only; provider tokens never reach it, even when allow-listed.
    const session = await (await page.request.get("/api/auth/session")).json();
    expect(session.claims).toEqual({ email: "tina@school.example", name: "Tina Teacher" });
    expect(JSON.stringify(session)).not.toMatch(/access_token|id_token|refresh_token|eyJ/);
  });

  test("a user without staff groups signs in as a student", async ({ page }) => {
    await page.goto("/signin");
    await page.getByRole("button", { name: "Sign in with School Login" }).click();
    await page.locator('input[name="login"]').fill("oscar");
    await page.locator('input[name="password"]').fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByTestId("signed-in-user")).toContainText("Oscar Student");
    expect((await page.goto("/teach"))?.status()).toBe(403);
  });
});

test("the health endpoint reports the database and the version", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok", version: expect.any(String), database: { ok: true } });
});
