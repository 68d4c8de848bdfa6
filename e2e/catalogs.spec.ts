import type { Page } from "@playwright/test";
import { db } from "@/lib/db/client";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { createTemplate } from "@/lib/services/templates/create-template";
import { expect, test } from "./fixtures";
import { withE2eDatabase } from "./support/database";
import { readState } from "./support/state";
import { expectNoSeriousViolations } from "./support/student";

/**
 * A teacher's catalog, in Chromium against the production build: a teacher builds a catalog of three
 * templates for their class, reorders it with the keyboard and by dragging, adds a note, previews it as a
 * student of the class and saves it; a student of the class sees it first, in that order, with the note, and
 * a student outside the class does not. The class and its membership are written straight to the database
 * (the classes' own pages are built elsewhere). Accounts used by no other journey: teacher4, teacher5,
 * student28, student29.
 */

const CLASS_SLUG = "e2e-cat-2b";
const CLASS_TITLE = "Catalogs 2B";
const TEMPLATES = [
  { name: "e2e-cat-one", displayName: "Cat Lab One", visible: true },
  { name: "e2e-cat-two", displayName: "Cat Lab Two", visible: true },
  { name: "e2e-cat-three", displayName: "Cat Lab Three", visible: false },
];

test.beforeAll(async () => {
  await withE2eDatabase(async () => {
    const prisma = db();
    const { accounts } = readState();
    const user = (name: "teacher4" | "student28") => prisma.user.findUniqueOrThrow({ where: { username: accounts[name].username } });
    const [teacher, member] = await Promise.all([user("teacher4"), user("student28")]);
    for (const t of TEMPLATES) {
      if (await prisma.template.findUnique({ where: { name: t.name } })) continue;
      await createTemplate(SYSTEM_IDENTITY, {
        ...t,
        description: `${t.displayName} for the catalogs journey`,
        category: "catalog journey",
        spec: {
          chart: { type: "helm", repoUrl: "https://charts.example.test", chart: "demo", revision: "1.0.0" },
          valuesTemplate: "host: {{ host }}\nuser: {{ owner }}\n",
          valueFiles: [],
          parameters: { type: "object", properties: {} },
          ownerClaim: "",
        },
      });
    }
    if (!(await prisma.class.findUnique({ where: { slug: CLASS_SLUG } }))) {
      await prisma.class.create({
        data: { slug: CLASS_SLUG, title: CLASS_TITLE, teachers: { create: [{ userId: teacher.id }] }, members: { create: [{ userId: member.id, via: "teacher" }] } },
      });
    }
  });
});

/** The display names of the rows of the editor's ordered list, top to bottom. */
async function order(page: Page): Promise<string[]> {
  const labels = await page.getByTestId("catalog-item").evaluateAll((rows) => rows.map((row) => row.getAttribute("aria-label") ?? ""));
  return labels.map((label) => label.replace(/, position \d+ of \d+$/, ""));
}

async function shootSchemes(page: Page, shoot: (page: Page, name: string) => Promise<void>, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [width, label] of [[1280, "desktop"], [375, "phone"]] as const) {
      await page.setViewportSize({ width, height: 800 });
      await shoot(page, `catalogs-${name}-${label}-${scheme}`);
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.describe("a teacher's catalog", () => {
  test("is built, reordered by keyboard and by dragging, noted, previewed and saved; the class's student sees it first", async ({ pageAs, shoot }) => {
    const page = await pageAs("teacher4");

    // From the teacher's landing page to the empty list, then the editor.
    await page.goto("/teach");
    await page.getByRole("link", { name: "Manage catalogs" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Catalogs");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalogs" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByText("You have no catalogs yet.")).toBeVisible();
    await page.getByRole("link", { name: "New catalog" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("New catalog");

    const form = page.getByRole("form", { name: "Catalog" });
    await form.getByRole("textbox", { name: /^Title/ }).fill("Lab week 3");
    await expect(form.getByRole("textbox", { name: /^Short name/ })).toHaveValue("lab-week-3");
    await form.getByRole("checkbox", { name: CLASS_TITLE }).check();

    // Three templates from the picker; the hidden one says how students reach it.
    const find = form.getByRole("searchbox", { name: "Add an environment" });
    await find.fill("cat lab");
    const choices = form.getByRole("list", { name: "Environments to add" });
    await expect(choices.getByText("hidden: only reachable through catalogs")).toHaveCount(1);
    for (const t of TEMPLATES) await choices.getByRole("button", { name: `Add ${t.displayName}` }).click();
    await expect.poll(() => order(page)).toEqual(["Cat Lab One", "Cat Lab Two", "Cat Lab Three"]);

    // The keyboard: focus the last row, Alt+ArrowUp twice; focus stays on it and each move is announced.
    const three = form.getByRole("listitem", { name: /^Cat Lab Three, position/ });
    await three.focus();
    await page.keyboard.press("Alt+ArrowUp");
    await page.keyboard.press("Alt+ArrowUp");
    await expect.poll(() => order(page)).toEqual(["Cat Lab Three", "Cat Lab One", "Cat Lab Two"]);
    await expect(page.getByTestId("announcer")).toHaveText("Moved Cat Lab Three to position 1 of 3.");
    await expect(form.getByRole("listitem", { name: "Cat Lab Three, position 1 of 3" })).toBeFocused();

    // The buttons, then dragging: Cat Lab Two dragged onto the first row.
    await form.getByRole("button", { name: "Move Cat Lab One down" }).click();
    await expect.poll(() => order(page)).toEqual(["Cat Lab Three", "Cat Lab Two", "Cat Lab One"]);
    await form.getByRole("listitem", { name: /^Cat Lab One, position/ }).dragTo(form.getByRole("listitem", { name: /^Cat Lab Three, position/ }));
    await expect.poll(() => order(page)).toEqual(["Cat Lab One", "Cat Lab Three", "Cat Lab Two"]);
    await expect(page.getByTestId("announcer")).toHaveText("Moved Cat Lab One to position 1 of 3.");

    // A note for students.
    await form.getByRole("listitem", { name: /^Cat Lab Three, position/ }).getByRole("textbox", { name: /Note for students/ }).fill("use this for lab 3");

    // The preview, as a student of the class: the student catalog's own cards, in this order, nothing to launch.
    await form.getByRole("combobox", { name: "As a member of" }).selectOption({ label: CLASS_TITLE });
    await form.getByRole("button", { name: "Preview", exact: true }).click();
    const preview = page.getByRole("region", { name: `What a student of ${CLASS_TITLE} sees` });
    await expect(preview.getByRole("heading", { name: "Lab week 3" })).toBeVisible();
    await expect(preview.locator("section.class h3")).toHaveText(["Cat Lab One", "Cat Lab Three", "Cat Lab Two"]);
    await expect(preview.locator("section.class li").nth(1)).toContainText("use this for lab 3");
    await expect(preview.getByRole("link")).toHaveCount(0);
    await expectNoSeriousViolations(page, "the catalog editor with its preview");
    await shootSchemes(page, shoot, "editor");
    await preview.scrollIntoViewIfNeeded();
    await shootSchemes(page, shoot, "preview");

    // Leaving unsaved asks first; staying keeps what was typed.
    page.once("dialog", (dialog) => dialog.dismiss());
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Teach", exact: true }).click();
    await expect(page).toHaveURL(/\/teach\/catalogs\/new$/);
    await expect(form.getByRole("textbox", { name: /^Title/ })).toHaveValue("Lab week 3");

    await form.getByRole("button", { name: "Create catalog" }).click();
    await expect(page).toHaveURL("/teach/catalogs/lab-week-3?saved=1");
    await expect(page.getByText("Saved. Students of its classes and groups see it now.")).toBeVisible();
    await expect.poll(() => order(page)).toEqual(["Cat Lab One", "Cat Lab Three", "Cat Lab Two"]);

    await page.goto("/teach/catalogs");
    await expect(page.getByRole("link", { name: "Lab week 3" })).toBeVisible();
    await expect(page.getByRole("cell", { name: CLASS_TITLE })).toBeVisible();
    await shootSchemes(page, shoot, "list");
    await page.goto("/teach");
    await expect(page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "Lab week 3" }) })).toContainText(`for ${CLASS_TITLE}`);

    // A student of the class: the catalog first, in the teacher's order, with the note.
    const student = await pageAs("student28");
    await student.goto("/");
    const section = student.locator("section.class", { has: student.getByRole("heading", { name: "Lab week 3" }) });
    await expect(section.locator("h3")).toHaveText(["Cat Lab One", "Cat Lab Three", "Cat Lab Two"]);
    await expect(section.locator("li").nth(1).locator("p.note")).toHaveText("Note from your teacher: use this for lab 3");
    const firstSections = await student.locator(".catalog > section, .catalog > .categories").evaluateAll((nodes) => nodes.map((n) => n.className));
    expect(firstSections[0]).toBe("class");
    await expect(section.getByRole("link", { name: "Cat Lab Three" })).toHaveAttribute("href", "/run/e2e-cat-three");

    // A student outside the class does not see it, nor its hidden template.
    const outsider = await pageAs("student29");
    await outsider.goto("/");
    await expect(outsider.getByRole("heading", { level: 1, name: "Catalog" })).toBeVisible();
    await expect(outsider.getByRole("heading", { name: "Lab week 3" })).toHaveCount(0);
    await expect(outsider.getByText("Cat Lab Three")).toHaveCount(0);

    // Another teacher finds no such catalog.
    const other = await pageAs("teacher5");
    const response = await other.goto("/teach/catalogs/lab-week-3");
    expect(response?.status()).toBe(404);

    // Deleting asks first, naming who loses it.
    await page.goto("/teach/catalogs/lab-week-3");
    await page.getByRole("button", { name: "Delete catalog" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete Lab week 3?" });
    await expect(dialog).toContainText(`members of the class ${CLASS_TITLE}`);
    await dialog.getByRole("button", { name: "Delete catalog" }).click();
    await expect(page).toHaveURL("/teach/catalogs?done=deleted:lab-week-3");
    await expect(page.getByText("Deleted the catalog lab-week-3.")).toBeVisible();
    await student.reload();
    await expect(student.getByRole("heading", { name: "Lab week 3" })).toHaveCount(0);
  });
});
