import type { Page } from "@playwright/test";
import { closeDb, createPrismaClient, setDb } from "@/lib/db/client";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { createTemplate } from "@/lib/services/templates/create-template";
import { expect, hasCluster, test } from "./fixtures";
import { UNREACHABLE_REPOSITORY } from "./support/cluster";
import { readState } from "./support/state";
import { expectNoSeriousViolations } from "./support/student";

/**
 * Class templates, in Chromium against the production build and the control plane: an admin opens a base
 * (made here, on the e2e chart, so it really installs) to teachers; a teacher makes a class template of it,
 * is refused a path the base does not open (said beside the values), fixes it, and lists it in a catalog for
 * their class; a student of that class launches it to Ready, and a student of no class neither sees it nor
 * reaches it by name. Accounts used by no other journey: admin3 (only on the base made here), teacher14,
 * teacher15, student44, student45.
 */

const BASE = "e2e-ct-base";
const CLASS_SLUG = "e2e-ct-class";
const CLASS_TITLE = "Templates 3C";
const NAME = "e2e-ct-greeting";
const INSTALL_TIMEOUT = 180_000;

test.beforeAll(async () => {
  const state = readState();
  const prisma = createPrismaClient(state.portalEnv.DATABASE_URL!, 1);
  setDb(prisma);
  try {
    const user = (name: "teacher14" | "student44") => prisma.user.findUniqueOrThrow({ where: { username: state.accounts[name].username } });
    const [teacher, member] = await Promise.all([user("teacher14"), user("student44")]);
    if (!(await prisma.template.findUnique({ where: { name: BASE } }))) {
      await createTemplate(SYSTEM_IDENTITY, {
        name: BASE,
        displayName: "E2E CT Base",
        description: "The e2e chart, for teachers to extend",
        isBase: true,
        spec: {
          chart: { type: "helm", repoUrl: state.helmRepositoryUrl ?? UNREACHABLE_REPOSITORY, chart: "envdeck-test", revision: "0.1.0" },
          valuesTemplate: "greeting: from the base\nport: 8080\n",
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
  } finally {
    await closeDb(prisma);
  }
});

async function shootSchemes(page: Page, shoot: (page: Page, name: string) => Promise<void>, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [width, label] of [[1280, "desktop"], [375, "phone"]] as const) {
      await page.setViewportSize({ width, height: 800 });
      await shoot(page, `class-templates-${name}-${label}-${scheme}`);
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.describe("class templates", () => {
  test("an admin opens a base, a teacher builds a class template of it for their class, and only that class sees and launches it", async ({ pageAs, shoot }) => {
    test.setTimeout(INSTALL_TIMEOUT + 120_000);

    // The admin opens the base to teachers, with one value path.
    const admin = await pageAs("admin3");
    await admin.goto(`/admin/templates/${BASE}`);
    const settings = admin.getByRole("form", { name: "Template settings" });
    const open = settings.getByRole("switch", { name: /^Teachers may extend it/ });
    await open.focus();
    await admin.keyboard.press("Space");
    await expect(open).toBeChecked();
    await settings.getByRole("textbox", { name: "Value paths teachers may change" }).fill("greeting\nport..x");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await expect(settings.getByText("Path 2: A path has no empty parts")).toBeVisible();
    await settings.getByRole("textbox", { name: "Value paths teachers may change" }).fill("greeting");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await expect(settings.getByRole("status").filter({ hasText: /\S/ })).toHaveText("Saved: opening to teachers and paths teachers may change.");

    // The teacher: from the menu to the empty list, then the form.
    const page = await pageAs("teacher14");
    await page.goto("/teach");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Class templates" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Class templates");
    await expect(page.getByText("You have no class templates yet.")).toBeVisible();
    await shootSchemes(page, shoot, "empty");
    await page.getByRole("link", { name: "New class template" }).first().click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("New class template");

    const form = page.getByRole("form", { name: "New class template" });
    await form.getByRole("radio", { name: /E2E CT Base/ }).check();
    await expect(form.getByText("This base lets you change:")).toContainText("greeting");
    await form.getByRole("textbox", { name: "Display name" }).fill("Greeting lab");
    await form.getByRole("textbox", { name: "Name", exact: true }).fill(NAME);
    await form.getByRole("textbox", { name: "Description" }).fill("Says what your teacher wrote.");
    await form.getByRole("radiogroup", { name: "Icon" }).getByText("book", { exact: true }).click();
    await expect(form.getByRole("radio", { name: "book" })).toBeChecked();
    await form.getByRole("button", { name: "Add a parameter" }).click();
    const parameter = form.getByRole("list", { name: "Parameters" }).getByRole("listitem");
    await parameter.getByRole("textbox", { name: "Name" }).fill("note");
    await parameter.getByRole("textbox", { name: "Label" }).fill("Note");
    await parameter.getByRole("textbox", { name: "Default" }).fill("hi class");

    // A path the base does not open is refused, beside the values, naming it and what is allowed.
    const values = form.getByRole("textbox", { name: "Values (YAML)" });
    await values.fill("greeting: '{{ params.note }}'\nport: 9999\n");
    await form.getByRole("button", { name: "Create class template" }).click();
    await expect(form.getByText("`port` is not one of the paths this base lets teachers change: greeting")).toBeVisible();
    await expect(values).toHaveAttribute("aria-invalid", "true");
    await expect(values).toBeFocused();
    await expect(page).toHaveURL(/\/teach\/templates\/new$/);
    await expectNoSeriousViolations(page, "the class template form with an error");
    await shootSchemes(page, shoot, "new-refused");

    await values.fill("greeting: '{{ params.note }}'\n");
    await form.getByRole("button", { name: "Create class template" }).click();
    await expect(page).toHaveURL(`/teach/templates/${NAME}?saved=1`);
    await expect(page.getByText("Created. Add it to a catalog for your classes to see it.")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Greeting lab");
    await expectNoSeriousViolations(page, "a class template's page");
    await shootSchemes(page, shoot, "edit");

    // Another teacher does not reach it.
    const other = await pageAs("teacher15");
    expect((await other.goto(`/teach/templates/${NAME}`))?.status()).toBe(404);

    // Into a catalog for the class.
    await page.goto("/teach/catalogs/new");
    const catalog = page.getByRole("form", { name: "Catalog" });
    await catalog.getByRole("textbox", { name: /^Title/ }).fill("Greeting week");
    await catalog.getByRole("checkbox", { name: CLASS_TITLE }).check();
    await catalog.getByRole("searchbox", { name: "Add an environment" }).fill("greeting lab");
    await catalog.getByRole("list", { name: "Environments to add" }).getByRole("button", { name: "Add Greeting lab" }).click();
    await catalog.getByRole("button", { name: "Create catalog" }).click();
    await expect(page).toHaveURL("/teach/catalogs/greeting-week?saved=1");

    await page.goto("/teach/templates");
    await expect(page.getByRole("list", { name: "Class templates" }).getByRole("listitem")).toContainText("In 1 catalog");
    await shootSchemes(page, shoot, "list");

    // A student of no class neither sees it nor reaches it by name.
    const outsider = await pageAs("student45");
    await outsider.goto("/");
    await expect(outsider.getByRole("heading", { level: 1, name: "Catalog" })).toBeVisible();
    await expect(outsider.getByText("Greeting lab")).toHaveCount(0);
    expect((await outsider.goto(`/run/${NAME}`))?.status()).toBe(404);

    // The class's student sees it in the teacher's catalog and launches it.
    const student = await pageAs("student44");
    await student.goto("/");
    const section = student.locator("section.class", { has: student.getByRole("heading", { name: "Greeting week" }) });
    await section.getByRole("link", { name: "Greeting lab" }).click();
    await expect(student).toHaveURL(`/run/${NAME}`);
    await expect(student.getByRole("heading", { level: 1 })).toHaveText("Greeting lab");
    await expect(student.getByRole("textbox", { name: /^Note/ })).toHaveValue("hi class");
    if (hasCluster()) {
      await student.getByRole("button", { name: "Launch", exact: true }).click();
      const steps = student.getByRole("list", { name: "Launch progress" }).getByRole("listitem");
      await expect
        .poll(async () => (await steps.evaluateAll((items) => items.map((item) => item.getAttribute("data-state")))).join(","), { timeout: INSTALL_TIMEOUT, intervals: [500] })
        .toBe("done,done,done,done");
      await expect(student.getByTestId("instance-url")).toHaveText(new RegExp(`^https://${NAME}-[0-9a-f]{8}\\.`));
    }

    // Deleting asks first; the class no longer sees it.
    await page.goto(`/teach/templates/${NAME}`);
    await page.getByRole("button", { name: "Delete class template" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete Greeting lab?" });
    await expect(dialog).toContainText("It leaves the catalog that lists it at once");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page).toHaveURL(`/teach/templates?done=deleted:${NAME}`);
    await expect(page.getByText(`Deleted the class template ${NAME}.`)).toBeVisible();
    await student.goto("/");
    await expect(student.getByRole("link", { name: "Greeting lab" })).toHaveCount(0);
  });
});
