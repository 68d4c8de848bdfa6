import path from "node:path";
import { expect, shootEverySide, test } from "./fixtures";
import { ARTIFACTS } from "./support/state";

/**
 * A teacher's class on the production build: teacher2 creates it, shows its code on a projector, two students
 * join with the link (student25 starting signed out, so sign-in brings them back to it), the roster lists
 * them, and teacher3, who does not teach it, cannot open it. Uses only teacher2, teacher3, student24 and
 * student25; the class's short name is new each run.
 */

test.describe("a teacher's class", () => {
  test("is created, shown on a projector, joined by link by two students, and hidden from another teacher", async ({ pageAs, browser, baseURL, accounts, shoot }, testInfo) => {
    test.setTimeout(240_000);
    const slug = `cs-${Date.now().toString(36)}`;
    const title = `CS101 ${slug.slice(3)}`;

    // The teacher's classes, from the header; a first class from the list.
    const teacher = await pageAs("teacher2");
    await teacher.goto("/teach");
    await teacher.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Classes" }).click();
    await expect(teacher).toHaveURL("/teach/classes");
    await expect(teacher.getByRole("heading", { name: "Classes", level: 1 })).toBeVisible();
    await shootEverySide(teacher, shoot, "classes-list-before", "the class list");
    await teacher.getByRole("link", { name: /Create your first class|New class/ }).click();
    await expect(teacher).toHaveURL("/teach/classes/new");

    // A bad short name is refused beside its field, and what was typed stays.
    await teacher.getByLabel("Title").fill(title);
    await expect(teacher.getByLabel("Short name")).toHaveValue(`cs101-${slug.slice(3)}`);
    await teacher.getByLabel("Short name").fill("New");
    await teacher.getByRole("button", { name: "Create class" }).click();
    await expect(teacher.getByText("Use lowercase letters, digits and dashes, starting and ending with a letter or digit.")).toBeVisible();
    await expect(teacher.getByLabel("Title")).toHaveValue(title);
    await teacher.getByLabel("Short name").fill(slug);
    await teacher.getByLabel("Term (optional)").fill("Fall 2026");
    await teacher.getByRole("button", { name: "Create class" }).click();
    await expect(teacher).toHaveURL(`/teach/classes/${slug}/roster`);
    await expect(teacher.getByRole("heading", { name: title, level: 1 })).toBeVisible();
    await expect(teacher.getByRole("navigation", { name: "Class" }).getByRole("link", { name: "Roster" })).toHaveAttribute("aria-current", "page");
    await expect(teacher.getByTestId("no-members")).toBeVisible();
    const code = (await teacher.getByTestId("join-code").innerText()).replace(/\s/g, "");
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{8}$/);
    const link = `/join/${code}`;
    await expect(teacher.getByRole("textbox", { name: "Join link" })).toHaveValue(`${baseURL}${link}`);

    // The projector view: the code very large, a QR code of the link; Escape closes it.
    await teacher.getByRole("button", { name: "Show for projector" }).click();
    const projector = teacher.getByRole("dialog", { name: `Join ${title}` });
    await expect(projector.getByTestId("projector-code")).toHaveText(`${code.slice(0, 4)} ${code.slice(4)}`);
    await expect(projector.getByRole("img", { name: "QR code of the join link" }).locator("svg")).toBeVisible();
    // The projector fills the screen: kept as the screen shows it, not as the whole page below it.
    for (const scheme of ["light", "dark"] as const) {
      await teacher.emulateMedia({ colorScheme: scheme });
      for (const [width, height, label] of [[1280, 800, "desktop"], [375, 740, "phone"]] as const) {
        await teacher.setViewportSize({ width, height });
        const name = `class-projector-${scheme}-${label}`;
        const file = path.join(ARTIFACTS, "screenshots", `${name}.png`);
        await teacher.screenshot({ path: file });
        await testInfo.attach(name, { path: file, contentType: "image/png" });
      }
    }
    await teacher.setViewportSize({ width: 1280, height: 800 });
    await teacher.emulateMedia({ colorScheme: "light" });
    await teacher.keyboard.press("Escape");
    await expect(projector).toBeHidden();

    // A signed-in student opens the link: the class and a button; opening joins nothing, the button does.
    const first = await pageAs("student24");
    await first.goto(link);
    await expect(first.getByRole("heading", { name: `Join ${title}?` })).toBeVisible();
    await shootEverySide(first, shoot, "class-join", "the join page");
    await first.getByRole("button", { name: `Join ${title}` }).click();
    await expect(first.getByTestId("join-outcome")).toHaveText(`You're in ${title}`);
    await expect(first.getByText("Your catalog now shows its environments.")).toBeVisible();
    await first.goto(link);
    await expect(first.getByTestId("join-outcome")).toHaveText(`You're already in ${title}`);
    await first.getByRole("link", { name: "Open your catalog" }).click();
    await expect(first).toHaveURL("/");

    // A student who is signed out signs in and comes back to the link.
    const context = await browser.newContext({ baseURL });
    const second = await context.newPage();
    await second.goto(link);
    await expect(second).toHaveURL(/\/signin\?callbackUrl=/);
    await second.getByLabel("Username").fill(accounts.student25.username);
    await second.getByLabel("Password").fill(accounts.student25.password);
    await second.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(second).toHaveURL(link);
    await second.getByRole("button", { name: `Join ${title}` }).click();
    await expect(second.getByTestId("join-outcome")).toHaveText(`You're in ${title}`);
    // A mistyped code reads like every code that does not work.
    await second.goto("/join/ZZZZZZZZ");
    await expect(second.getByText("This join code does not work.")).toBeVisible();
    await context.close();

    // The roster lists both, as having come in by the link.
    await teacher.reload();
    const roster = teacher.getByRole("table");
    for (const account of [accounts.student24, accounts.student25]) {
      await expect(roster.getByRole("row").filter({ hasText: account.username })).toContainText("Join link");
    }
    await expect(teacher.getByRole("heading", { name: /Members/ })).toContainText("(2)");
    await shootEverySide(teacher, shoot, "class-roster", "the roster");

    // Settings, and the list with the class in it.
    await teacher.getByRole("navigation", { name: "Class" }).getByRole("link", { name: "Settings" }).click();
    await expect(teacher).toHaveURL(`/teach/classes/${slug}/settings`);
    await expect(teacher.getByRole("heading", { name: "Teachers" })).toBeVisible();
    await shootEverySide(teacher, shoot, "class-settings", "the class settings");
    await teacher.goto("/teach/classes");
    await expect(teacher.getByRole("row").filter({ hasText: title })).toContainText("Joining open");
    await shootEverySide(teacher, shoot, "classes-list", "the class list");

    // A teacher of other classes: not found, and not listed.
    const other = await pageAs("teacher3");
    for (const path of [`/teach/classes/${slug}/roster`, `/teach/classes/${slug}/settings`]) {
      const response = await other.goto(path);
      expect(response?.status()).toBe(404);
      await expect(other.getByRole("heading", { name: "Page not found" })).toBeVisible();
    }
    await other.goto("/teach/classes");
    await expect(other.getByText(title)).toHaveCount(0);
  });
});
