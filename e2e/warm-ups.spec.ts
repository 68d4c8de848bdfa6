import type { Browser, Page } from "@playwright/test";
import { closeDb, createPrismaClient, db, setDb } from "@/lib/db/client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { formatLocalDateTime, wallClockAt } from "@/lib/domain/warm-ups";
import { createTemplate } from "@/lib/services/templates/create-template";
import { expect, requireCluster, test } from "./fixtures";
import { UNREACHABLE_REPOSITORY } from "./support/cluster";
import { withE2eDatabase } from "./support/database";
import { readState, storageStatePath, type AccountName } from "./support/state";
import { expectNoSeriousViolations } from "./support/student";

/**
 * Warm-ups before class, in Chromium against the production build and the real control plane: a teacher (in
 * Paris, as the browser says) books a warm-up for their class on its Warm-ups tab, watches it warm and turn
 * ready as Flux installs the members, and once the class starts a student of it launches and gets a warm
 * environment at once. Bad input is refused beside its field, another teacher cannot reach the class's
 * warm-ups, and cancelling asks first. Accounts: teacher10 and teacher11, students 36 to 39; the template and
 * classes are this journey's own.
 */

const TEMPLATE = "e2e-warm-up";
const CLASS = "e2e-warm-ups";
const OTHER_CLASS = "e2e-warm-ups-other";
const ZONE = "Europe/Paris";
const INSTALL_TIMEOUT = 180_000;
const STUDENTS = ["student36", "student37", "student38", "student39"] as const;

// The journey waits minutes for installs and the class's start, but no single click or page may take long.
test.use({ actionTimeout: 15_000, navigationTimeout: 30_000 });

test.beforeAll(async () => {
  const state = readState();
  const prisma = createPrismaClient(state.portalEnv.DATABASE_URL!, 1);
  setDb(prisma);
  try {
    const user = (name: AccountName) => prisma.user.findUniqueOrThrow({ where: { username: state.accounts[name].username } });
    const [teacher, other, ...students] = await Promise.all([user("teacher10"), user("teacher11"), ...STUDENTS.map(user)]);
    if (!(await prisma.template.findUnique({ where: { name: TEMPLATE } }))) {
      const template = await createTemplate(SYSTEM_IDENTITY, {
        name: TEMPLATE,
        displayName: "Warm lab",
        description: "A pool template for the warm-ups journey.",
        icon: "terminal",
        category: "e2e,warm-ups",
        // Out of the catalog, so journeys that read the whole catalog do not see it; /run/{name} still launches it.
        visible: false,
        method: "pool",
        spec: {
          chart: { type: "helm", repoUrl: state.helmRepositoryUrl ?? UNREACHABLE_REPOSITORY, chart: "envdeck-test", revision: "0.1.0" },
          valuesTemplate: "greeting: warm {{ uuid }}\n",
          valueFiles: [],
          parameters: {},
          ownerClaim: "",
        },
      });
      await prisma.template.update({ where: { id: template.id }, data: { poolSize: 0, poolMaxSize: 8 } });
    }
    // A rerun starts from an empty class: its old bookings and environments go.
    await prisma.warmUp.deleteMany({ where: { class: { slug: { in: [CLASS, OTHER_CLASS] } } } });
    await prisma.class.deleteMany({ where: { slug: { in: [CLASS, OTHER_CLASS] } } });
    await prisma.class.create({
      data: { slug: CLASS, title: "Networks warm-up", teachers: { create: [{ userId: teacher.id }] }, members: { create: students.map((s) => ({ userId: s.id, via: "teacher" })) } },
    });
    await prisma.class.create({ data: { slug: OTHER_CLASS, title: "Someone else's class", teachers: { create: [{ userId: other.id }] } } });
  } finally {
    await closeDb(prisma);
  }
});

/** A page signed in as `account` whose browser says it is in Paris. */
async function pageInParis(browser: Browser, baseURL: string | undefined, account: AccountName): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: storageStatePath(account), timezoneId: ZONE });
  return context.newPage();
}

/** A wall-clock minute in Paris, `ms` from now, rounded up to the minute, as the form's fields take it. */
function parisMinute(ms: number): string {
  return formatLocalDateTime(wallClockAt(new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000), ZONE));
}

async function shootAll(page: Page, shoot: (page: Page, name: string) => Promise<void>, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [width, height, size] of [[1280, 800, "desktop"], [375, 740, "phone"]] as const) {
      await page.setViewportSize({ width, height });
      await shoot(page, `${name}-${size}-${scheme}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${name} at ${width} px`).toBeLessThanOrEqual(0);
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.describe("warm-ups before class", () => {
  test("a teacher books a warm-up, watches it warm and turn ready, and a student launches at once when the class starts", async ({ browser, baseURL, pageAs, shoot }) => {
    requireCluster();
    test.setTimeout(3 * INSTALL_TIMEOUT + 60_000);
    const page = await pageInParis(browser, baseURL, "teacher10");
    await page.goto(`/teach/classes/${CLASS}/roster`);
    await page.getByRole("navigation", { name: "Class" }).getByRole("link", { name: "Warm-ups" }).click();
    await expect(page).toHaveURL(new RegExp(`/teach/classes/${CLASS}/warm-ups$`));
    await expect(page.getByText("No warm-up is booked.")).toBeVisible();
    const form = page.getByRole("form", { name: "Book a warm-up" });
    await expect(form.getByText(`Your time zone: ${ZONE}`)).toBeVisible();
    await expect(form.getByRole("spinbutton", { name: "Environments" })).toHaveAttribute("placeholder", "4");
    await shootAll(page, shoot, "warm-ups-empty");

    // Bad input: an end before the start is refused beside its field, and nothing is booked.
    await form.getByLabel("Template").selectOption({ label: "Warm lab (at most 8 at once)" });
    await form.getByLabel("Starts").fill(parisMinute(3 * 60_000));
    await form.getByLabel("Ends").fill(parisMinute(60_000));
    await form.getByRole("spinbutton", { name: "Environments" }).fill("0");
    await form.getByRole("button", { name: "Book warm-up" }).click();
    await expect(form.getByText("Book at least 1 environment.")).toBeVisible();
    await form.getByRole("spinbutton", { name: "Environments" }).fill("");
    await form.getByRole("button", { name: "Book warm-up" }).click();
    await expect(form.getByText("The end must be after the start.")).toBeVisible();
    await expect(page.getByText("No warm-up is booked.")).toBeVisible();

    // Booked for the roster (4), starting on the minute about two and a half minutes ahead, for half an hour.
    const startsAt = parisMinute(150_000);
    await form.getByLabel("Starts").fill(startsAt);
    await form.getByLabel("Ends").fill(parisMinute(150_000 + 30 * 60_000));
    await form.getByRole("button", { name: "Book warm-up" }).click();
    await expect(form.getByRole("status")).toHaveText("Warm-up booked.");
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "4 × Warm lab" }) });
    await expect(card).toContainText(`${startsAt.slice(11)}–`);
    await expect(card).toContainText(`(${ZONE})`);
    // No member history yet: the lead time is five minutes, so it warms at once; Flux installs the members.
    await expect(card.getByText(/^(Warming|Ready)$/)).toBeVisible();
    await shootAll(page, shoot, "warm-ups-warming");
    await expect(card.getByText("Ready", { exact: true })).toBeVisible({ timeout: INSTALL_TIMEOUT });
    await expect(card).toContainText("4/4 at");
    await shootAll(page, shoot, "warm-ups-ready");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `the class's warm-ups (${scheme})`);
    }
    await page.emulateMedia({ colorScheme: "light" });

    // The class starts. Rather than wait out the minutes left, the test brings it forward to now (half an hour
    // long), in the database, and wakes the pool as a teacher's change does: the page follows by itself.
    await withE2eDatabase(async () => {
      const booking = await db().warmUp.findFirstOrThrow({ where: { class: { slug: CLASS }, cancelledAt: null } });
      const endsAt = new Date(Date.now() + 30 * 60_000);
      await db().warmUp.update({ where: { id: booking.id }, data: { startsAt: new Date(), endsAt, lastEndsAt: endsAt } });
      await db().$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + booking.templateId})`;
    });
    // A student of the class launches and gets a warm member at once (a claim, not an install).
    await expect(card.getByText("In class", { exact: true })).toBeVisible({ timeout: 30_000 });
    const student = await pageAs("student36");
    await student.goto(`/run/${TEMPLATE}`);
    await student.getByRole("button", { name: "Launch" }).click();
    await expect(student.getByTestId("instance-url")).toBeVisible({ timeout: 5_000 });
    const mine = await student.request.get("/api/v1/environments");
    const environment = ((await mine.json()) as { environments: { uuid: string; name: string; pooled: boolean; phase: string }[] }).environments.find((e) => e.name === TEMPLATE)!;
    expect(environment).toMatchObject({ pooled: true, phase: "Claimed" });
    await expect(card).toContainText("1 claimed");
    await shootAll(page, shoot, "warm-ups-in-class");

    // All of the teacher's warm-ups, on their own page.
    await page.getByRole("link", { name: "Warm-ups", exact: true }).first().click();
    await expect(page).toHaveURL(/\/teach\/warm-ups$/);
    await expect(page.getByRole("heading", { name: "4 × Warm lab for Networks warm-up" })).toBeVisible();
    await shootAll(page, shoot, "warm-ups-mine");

    expect((await student.request.delete(`/api/v1/environments/${environment.uuid}`)).status()).toBe(204);
  });

  test("a teacher changes and cancels a warm-up behind a confirmation; another teacher cannot reach it", async ({ browser, baseURL, pageAs, shoot }) => {
    const page = await pageInParis(browser, baseURL, "teacher10");
    await page.goto(`/teach/classes/${CLASS}/warm-ups`);
    const form = page.getByRole("form", { name: "Book a warm-up" });
    await form.getByLabel("Template").selectOption({ label: "Warm lab (at most 8 at once)" });
    await form.getByLabel("Starts").fill(parisMinute(7 * 24 * 3600_000));
    await form.getByLabel("Ends").fill(parisMinute(7 * 24 * 3600_000 + 3600_000));
    await form.getByRole("spinbutton", { name: "Environments" }).fill("2");
    await form.getByLabel("Every week, same day and times").check();
    await form.getByLabel("Last date").fill(parisMinute(35 * 24 * 3600_000).slice(0, 10));
    await form.getByRole("button", { name: "Book warm-up" }).click();
    await expect(form.getByRole("status")).toHaveText("Warm-up booked.");
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "2 × Warm lab" }) });
    await expect(card).toContainText("weekly until");
    await expect(card.getByText("Scheduled", { exact: true })).toBeVisible();

    // Changed: a size past what the pool allows is refused beside the field; 3 is saved.
    await card.getByRole("button", { name: "Change" }).click();
    const change = card.getByRole("form", { name: "Change the warm-up" });
    await change.getByRole("spinbutton", { name: "Environments" }).fill("100000");
    await change.getByRole("button", { name: "Save" }).click();
    await expect(change.getByText("Book at most 1000 environments.")).toBeVisible();
    await change.getByRole("spinbutton", { name: "Environments" }).fill("3");
    await change.getByRole("button", { name: "Save" }).click();
    const changed = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "3 × Warm lab" }) });
    await expect(changed).toBeVisible();

    // Once its first class is over, a weekly warm-up keeps its times: shown read-only, saying why.
    await withE2eDatabase(() =>
      db().warmUp.updateMany({
        where: { class: { slug: CLASS }, size: 3, cancelledAt: null },
        data: { startsAt: new Date(Date.now() - 3 * 24 * 3600_000), endsAt: new Date(Date.now() - 3 * 24 * 3600_000 + 3600_000) },
      }),
    );
    await page.reload();
    await changed.getByRole("button", { name: "Change" }).click();
    const begun = changed.getByRole("form", { name: "Change the warm-up" });
    await expect(begun.getByLabel("Starts")).toHaveAttribute("readonly", "");
    await expect(begun.getByText("This weekly warm-up has begun: its times stay as booked.")).toBeVisible();
    await shootAll(page, shoot, "warm-ups-begun-change");
    await page.reload();

    // Cancelling asks first; Escape keeps it, the dialog's button cancels it.
    await changed.getByRole("button", { name: "Cancel warm-up" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel this warm-up?" });
    await expect(dialog.getByRole("button", { name: "Cancel", exact: true })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(changed.getByText("Scheduled", { exact: true })).toBeVisible();
    await changed.getByRole("button", { name: "Cancel warm-up" }).click();
    await dialog.getByRole("button", { name: "Cancel warm-up" }).click();
    await expect(page.getByRole("heading", { name: "3 × Warm lab" })).toBeHidden();
    await page.getByText(/^Over and cancelled/).click();
    await expect(page.getByRole("heading", { name: "3 × Warm lab" })).toBeVisible();

    // Another teacher: the class's warm-ups are not found, and its bookings are not in their list.
    const other = await pageAs("teacher11");
    const response = await other.goto(`/teach/classes/${CLASS}/warm-ups`);
    expect(response?.status()).toBe(404);
    await other.goto("/teach/warm-ups");
    await expect(other.getByText("No warm-up is booked.")).toBeVisible();
    expect((await other.request.get(`/api/v1/classes/${CLASS}/warm-ups`)).status()).toBe(404);
  });
});
