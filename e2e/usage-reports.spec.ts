import type { Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { db } from "@/lib/db/client";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { toOwnerKey } from "@/lib/domain/owner-key";
import { createTemplate } from "@/lib/services/templates/create-template";
import { insertUsageFixture, USAGE_FIXTURE_FROM, USAGE_FIXTURE_TO } from "@/test/support/usage-fixture";
import { expect, shootEverySide, test } from "./fixtures";
import { withE2eDatabase } from "./support/database";
import { readState, storageStatePath } from "./support/state";

/**
 * A class's usage report in Chromium against the production build: the hand-made history of
 * test/support/usage-fixture.ts is written to the database for teacher12's class (members student40, 41 and
 * 42; student43 is not one), the teacher opens the Usage tab, picks the fixture's ten days, reads the
 * expected figures, sorts, opens one student's environments and downloads the CSV; teacher13 cannot see it.
 * Accounts used by no other journey: teacher12, teacher13, student40, student41, student42, student43.
 */

const CLASS_SLUG = "e2e-usage-3c";
const CLASS_TITLE = "Usage 3C";
const TEMPLATES = { a: "e2e-usage-lab", b: "e2e-usage-notebook", c: "e2e-usage-other" } as const;
const DISPLAY = { a: "Usage Lab", b: "Usage Notebook", c: "Usage Other" } as const;

test.beforeAll(async () => {
  await withE2eDatabase(async () => {
    const prisma = db();
    const { accounts } = readState();
    const user = (name: "teacher12" | "student40" | "student41" | "student42") => prisma.user.findUniqueOrThrow({ where: { username: accounts[name].username } });
    const [teacher, s1, s2, s3] = await Promise.all([user("teacher12"), user("student40"), user("student41"), user("student42")]);
    const ids = {} as Record<keyof typeof TEMPLATES, string>;
    for (const role of ["a", "b", "c"] as const) {
      const found = await prisma.template.findUnique({ where: { name: TEMPLATES[role] } });
      ids[role] =
        found?.id ??
        (
          await createTemplate(SYSTEM_IDENTITY, {
            name: TEMPLATES[role],
            displayName: DISPLAY[role],
            description: "For the usage report journey",
            visible: false,
            spec: {
              chart: { type: "helm", repoUrl: "https://charts.example.test", chart: "demo", revision: "1.0.0" },
              valuesTemplate: "host: {{ host }}\n",
              valueFiles: [],
              parameters: { type: "object", properties: {} },
              ownerClaim: "",
            },
          })
        ).id;
    }
    if (!(await prisma.class.findUnique({ where: { slug: CLASS_SLUG } }))) {
      const made = await prisma.class.create({
        data: { slug: CLASS_SLUG, title: CLASS_TITLE, teachers: { create: [{ userId: teacher.id }] }, members: { create: [s1, s2, s3].map((m) => ({ userId: m.id, via: "teacher" })) } },
      });
      await prisma.catalog.create({
        data: {
          slug: "e2e-usage-3c-labs",
          title: "Usage 3C labs",
          ownerId: teacher.id,
          items: { create: [{ templateId: ids.a, position: 0 }, { templateId: ids.b, position: 1 }] },
          classes: { create: [{ classId: made.id }] },
        },
      });
    }
    const key = (name: "student40" | "student41" | "student42" | "student43") => toOwnerKey(accounts[name].username)!;
    await insertUsageFixture({ uuidPrefix: "e2e0", owners: { s1: key("student40"), s2: key("student41"), s3: key("student42"), outsider: key("student43") }, templates: ids });
  });
});

/**
 * Waits until a table's row (found by its header cell) shows these cells. Waiting matters: the range form is a
 * plain GET, so the browser may have parsed the totals of the streamed page before the tables below them.
 */
async function expectRow(page: Page, table: string, name: string, cells: (string | RegExp)[]): Promise<void> {
  const row = page.getByRole("table", { name: table }).getByRole("row").filter({ has: page.getByRole("rowheader").filter({ hasText: name }) });
  await expect(row.locator("th, td")).toHaveText(cells);
}

/** A header cell that starts with a name (a student's also shows the username and the time by template). */
const startsWith = (name: string) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);

test.describe("a class's usage report", () => {
  test("shows the fixture's figures, sorts, drills down into a student and downloads as CSV; another teacher cannot see it", async ({ browser, baseURL, pageAs, accounts, shoot }) => {
    test.setTimeout(240_000);
    const name = (account: "student40" | "student41" | "student42") => accounts[account].displayName;
    // The teacher's browser is in UTC, the fixture's zone; another journey checks the zone is detected.
    const context = await browser.newContext({ baseURL, storageState: storageStatePath("teacher12"), timezoneId: "UTC" });
    const teacher = await context.newPage();

    await teacher.goto(`/teach/classes/${CLASS_SLUG}/roster`);
    await teacher.getByRole("navigation", { name: "Class" }).getByRole("link", { name: "Usage" }).click();
    await expect(teacher).toHaveURL(`/teach/classes/${CLASS_SLUG}/usage`);
    await expect(teacher.getByRole("navigation", { name: "Class" }).getByRole("link", { name: "Usage" })).toHaveAttribute("aria-current", "page");
    // The last 30 days hold nothing but the two environments still running.
    await expect(teacher.getByRole("table", { name: "Usage by student" })).toBeVisible();

    await teacher.getByLabel("First day").fill(USAGE_FIXTURE_FROM);
    await teacher.getByLabel("Last day").fill(USAGE_FIXTURE_TO);
    await teacher.getByRole("button", { name: "Show" }).click();
    await expect(teacher).toHaveURL(new RegExp(`from=${USAGE_FIXTURE_FROM}&to=${USAGE_FIXTURE_TO}&tz=UTC`));

    await expect(teacher.getByLabel("Class totals")).toContainText("Time used14 h 10 min");
    await expect(teacher.getByLabel("Class totals")).toContainText("Launches8");
    await expect(teacher.getByLabel("Class totals")).toContainText("Failures1");
    await expect(teacher.getByLabel("Class totals")).toContainText("Median time to ready1 min 00 s");

    const students = "Usage by student";
    await expectRow(teacher, students, name("student40"), [startsWith(name("student40")), "8 h 30 min", "4", "0", "1 min 30 s"]);
    await expectRow(teacher, students, name("student41"), [startsWith(name("student41")), "5 h 10 min", "3", "1", "0 s"]);
    await expectRow(teacher, students, name("student42"), [startsWith(name("student42")), "30 min", "1", "0", "1 min 30 s"]);
    await expect(teacher.getByRole("table", { name: students })).not.toContainText(accounts.student43.displayName);
    await expectRow(teacher, "Usage by template", DISPLAY.a, [DISPLAY.a, "9 h 40 min", "5", "1", "1 min 45 s"]);
    await expectRow(teacher, "Usage by template", DISPLAY.b, [DISPLAY.b, "4 h 30 min", "3", "0", "0 s"]);
    await expect(teacher.getByRole("table", { name: "Usage by template" })).not.toContainText(DISPLAY.c);
    // By time used, most first; then by failures with the keyboard.
    const firstStudent = teacher.getByRole("table", { name: students }).getByRole("rowheader").first();
    await expect(firstStudent).toContainText(name("student40"));
    await teacher.getByRole("table", { name: students }).getByRole("link", { name: /^Failures/ }).focus();
    await teacher.keyboard.press("Enter");
    await expect(teacher.getByRole("table", { name: students }).getByRole("columnheader", { name: /Failures/ })).toHaveAttribute("aria-sort", "descending");
    await expect(firstStudent).toContainText(name("student41"));
    await shootEverySide(teacher, shoot, "usage-report", "the usage report");

    // One student's environments.
    await teacher.getByRole("table", { name: students }).getByRole("link", { name: name("student40") }).click();
    await expect(teacher.getByRole("heading", { name: name("student40") })).toBeVisible();
    const environments = teacher.getByRole("table", { name: /Environments of/ });
    await expect(environments.getByRole("row")).toHaveCount(5);
    await expect(environments.getByRole("row").nth(1)).toContainText("still running");
    await expect(environments.getByRole("row").nth(1)).toContainText("1 h 00 min");
    await expect(environments.getByRole("row").nth(2)).toContainText("Back in the warm pool");
    await expect(environments.getByRole("row").nth(2)).toContainText("claimed warm");
    await shootEverySide(teacher, shoot, "usage-student", "a student's environments");
    await teacher.getByRole("link", { name: "← Whole class" }).click();
    await expect(teacher.getByRole("heading", { name: name("student40") })).toHaveCount(0);

    // A wrong range is named beside its field.
    await teacher.getByLabel("First day").fill("2026-10-20");
    await teacher.getByRole("button", { name: "Show" }).click();
    await expect(teacher.getByText("Must be on or after the start.")).toBeVisible();
    await expect(teacher.getByLabel("Last day")).toHaveAttribute("aria-invalid", "true");
    await teacher.getByLabel("First day").fill(USAGE_FIXTURE_FROM);
    await teacher.getByRole("button", { name: "Show" }).click();
    await expect(teacher.getByLabel("Class totals")).toContainText("14 h 10 min");

    // The CSV.
    const [download] = await Promise.all([teacher.waitForEvent("download"), teacher.getByRole("link", { name: /Download CSV/ }).click()]);
    expect(download.suggestedFilename()).toBe(`usage-${CLASS_SLUG}-${USAGE_FIXTURE_FROM}-${USAGE_FIXTURE_TO}.csv`);
    const lines = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    const tail = `"${USAGE_FIXTURE_FROM}","${USAGE_FIXTURE_TO}","UTC"`;
    const student = (account: "student40" | "student41" | "student42") => `"student","${accounts[account].username}","${name(account)}"`;
    expect(lines).toEqual([
      '"kind","name","display_name","template","from","to","time_zone","time_used_seconds","launches","failures","median_seconds_to_ready"',
      `"class","${CLASS_SLUG}","${CLASS_TITLE}","",${tail},"51000.000","8","1","60.000"`,
      `${student("student40")},"",${tail},"30600.000","4","0","90.000"`,
      `${student("student40")},"${TEMPLATES.a}",${tail},"25200.000","3","0","120.000"`,
      `${student("student40")},"${TEMPLATES.b}",${tail},"5400.000","1","0","0.000"`,
      `${student("student41")},"",${tail},"18600.000","3","1","0.000"`,
      `${student("student41")},"${TEMPLATES.a}",${tail},"7800.000","1","1",""`,
      `${student("student41")},"${TEMPLATES.b}",${tail},"10800.000","2","0","0.000"`,
      `${student("student42")},"",${tail},"1800.000","1","0","90.000"`,
      `${student("student42")},"${TEMPLATES.a}",${tail},"1800.000","1","0","90.000"`,
      `"template","${TEMPLATES.a}","${DISPLAY.a}","${TEMPLATES.a}",${tail},"34800.000","5","1","105.000"`,
      `"template","${TEMPLATES.b}","${DISPLAY.b}","${TEMPLATES.b}",${tail},"16200.000","3","0","0.000"`,
    ]);
    await context.close();

    // Another teacher: not found, on the page and over the API.
    const other = await pageAs("teacher13");
    const response = await other.goto(`/teach/classes/${CLASS_SLUG}/usage`);
    expect(response?.status()).toBe(404);
    const api = await other.request.get(`/api/v1/classes/${CLASS_SLUG}/usage?format=csv`);
    expect(api.status()).toBe(404);
  });

  test("reads the days in the teacher's own time zone, detected in the browser", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, storageState: storageStatePath("teacher12"), timezoneId: "Pacific/Auckland" });
    const teacher = await context.newPage();
    await teacher.goto(`/teach/classes/${CLASS_SLUG}/usage?from=${USAGE_FIXTURE_FROM}&to=${USAGE_FIXTURE_TO}`);
    await expect(teacher).toHaveURL(/tz=Pacific%2FAuckland/);
    await expect(teacher.getByText("Days in the time zone Pacific/Auckland")).toBeVisible();
    // The range starts 13 hours earlier there: student41's launch of the evening before (UTC) is in it, whole.
    await expectRow(teacher, "Usage by student", "E2E Student 41", [startsWith("E2E Student 41"), "7 h 10 min", "4", "1", "0 s"]);
    await context.close();
  });
});
