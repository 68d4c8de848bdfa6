import { db } from "@/lib/db/client";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { createTemplate } from "@/lib/services/templates/create-template";
import { expect, expectNoSidewaysScroll, requireCluster, shootBothWidths, test } from "./fixtures";
import { UNREACHABLE_REPOSITORY } from "./support/cluster";
import { withE2eDatabase } from "./support/database";
import { readState } from "./support/state";
import { expectNoSeriousViolations, launchViaApi, tabTo } from "./support/student";

/**
 * A teacher's live class view on the production build against the real control plane with Flux: two students
 * of a class launch from its catalog of two templates, the teacher sees both environments turn ready without
 * reloading, extends every environment of one template, ends one environment, and opens one where the
 * template lets teachers (audited); a teacher of another class is told the class does not exist. The class,
 * its catalog and its two templates are this journey's own, made in the database (teacher6, teacher7,
 * student32 to student35); its templates install the fixture chart like every e2e template.
 */

const READY_TIMEOUT = 120_000;
const CLASS = "e2e-class-view";
const OTHER_CLASS = "e2e-class-other";
const LAB = "e2e-class-lab";
const NOTES = "e2e-class-notes";

/** This journey's templates, class and catalog; made once, so a second run of the spec finds them. */
async function setUpClass(usernames: Record<"teacher6" | "teacher7" | "student32" | "student33" | "student34", string>) {
  const { helmRepositoryUrl } = readState();
  await withE2eDatabase(async () => {
    const chart = { type: "helm" as const, repoUrl: helmRepositoryUrl ?? UNREACHABLE_REPOSITORY, chart: "envdeck-test", revision: "0.1.0" };
    const spec = { chart, valuesTemplate: "greeting: class view\nowner: {{ owner }}\n", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" };
    for (const [name, displayName, teacherAccess] of [
      [LAB, "E2E Class Lab", true],
      [NOTES, "E2E Class Notes", false],
    ] as const) {
      if (await db().template.findUnique({ where: { name } })) continue;
      await createTemplate(SYSTEM_IDENTITY, {
        name,
        displayName,
        description: "A class view journey's template.",
        icon: "terminal",
        category: "e2e,classes",
        visible: false,
        ttlSeconds: 3600,
        ttlExtendSeconds: 1800,
        ttlMaxExtends: 1,
        teacherAccess,
        spec,
      });
    }
    const users = Object.fromEntries(await Promise.all(Object.entries(usernames).map(async ([key, username]) => [key, (await db().user.findUniqueOrThrow({ where: { username } })).id])));
    const own = await db().class.upsert({ where: { slug: CLASS }, create: { slug: CLASS, title: "Networks Lab 2B" }, update: {} });
    const other = await db().class.upsert({ where: { slug: OTHER_CLASS }, create: { slug: OTHER_CLASS, title: "Another class" }, update: {} });
    await db().classTeacher.createMany({ data: [{ classId: own.id, userId: users.teacher6 }, { classId: other.id, userId: users.teacher7 }], skipDuplicates: true });
    await db().classMember.createMany({
      data: [
        { classId: own.id, userId: users.student32, via: "link" },
        { classId: own.id, userId: users.student33, via: "teacher" },
        { classId: other.id, userId: users.student34, via: "link" },
      ],
      skipDuplicates: true,
    });
    const catalog = await db().catalog.upsert({ where: { slug: CLASS }, create: { slug: CLASS, title: "Lab week 3", ownerId: users.teacher6 }, update: {} });
    const templates = await db().template.findMany({ where: { name: { in: [LAB, NOTES] } } });
    await db().catalogItem.createMany({
      data: [LAB, NOTES].map((name, position) => ({ catalogId: catalog.id, templateId: templates.find((t) => t.name === name)!.id, position })),
      skipDuplicates: true,
    });
    await db().catalogClass.createMany({ data: [{ catalogId: catalog.id, classId: own.id }], skipDuplicates: true });
  });
}

async function openAuditEntries(uuid: string) {
  return withE2eDatabase(() => db().auditEvent.findMany({ where: { action: "instance.open", objectId: uuid } }));
}

test.describe("a teacher's class view", () => {
  test("follows a class live, extends a template's environments, ends one, opens one, and stays the class's teachers'", async ({ pageAs, accounts, shoot }) => {
    requireCluster();
    test.setTimeout(READY_TIMEOUT + 180_000);
    await setUpClass({
      teacher6: accounts.teacher6.username,
      teacher7: accounts.teacher7.username,
      student32: accounts.student32.username,
      student33: accounts.student33.username,
      student34: accounts.student34.username,
    });
    const ada = await pageAs("student32");
    const bob = await pageAs("student33");
    const outsider = await pageAs("student34");

    // The teacher opens the class before anyone has launched: everyone is "not started".
    const teacher = await pageAs("teacher6");
    await teacher.goto(`/teach/classes/${CLASS}`);
    await expect(teacher.getByRole("heading", { level: 1 })).toContainText("Networks Lab 2B");
    await expect(teacher.getByTestId("class-summary")).toHaveText("0 running · 4 not started");
    const adaRow = teacher.getByTestId(`student-${accounts.student32.username}`);
    await expect(adaRow).toContainText("Not started");

    // Both students launch the lab, one also the notes; a student of another class launches too, unseen here.
    const adaLab = await launchViaApi(ada, LAB);
    const bobLab = await launchViaApi(bob, LAB);
    const adaNotes = await launchViaApi(ada, NOTES);
    const outsiderLab = await launchViaApi(outsider, LAB);

    // Live: without a reload, both lab environments turn Ready, and the counts follow.
    const adaLabCell = teacher.getByTestId(`cell-${accounts.student32.username}-${LAB}`);
    const bobLabCell = teacher.getByTestId(`cell-${accounts.student33.username}-${LAB}`);
    await expect(adaLabCell).toContainText("Ready", { timeout: READY_TIMEOUT });
    await expect(bobLabCell).toContainText("Ready", { timeout: READY_TIMEOUT });
    await expect(teacher.getByTestId(`cell-${accounts.student32.username}-${NOTES}`)).toContainText("Ready", { timeout: READY_TIMEOUT });
    await expect(teacher.getByTestId("class-summary")).toHaveText("3 running · 1 not started");
    await expect(teacher.locator(`[data-testid^="student-"]`)).toHaveCount(2);
    await expect(teacher.getByText(outsiderLab.uuid)).toHaveCount(0);
    await expect(adaLabCell).toContainText(/left/);

    // Filters live in the address; the search narrows by student.
    await teacher.getByRole("link", { name: "Not started" }).click();
    await expect(teacher).toHaveURL(new RegExp(`/teach/classes/${CLASS}\\?status=not-started$`));
    await expect(teacher.locator(`[data-testid^="student-"]`)).toHaveCount(1);
    await teacher.getByRole("link", { name: "Everyone" }).click();
    await expect(teacher).toHaveURL(new RegExp(`/teach/classes/${CLASS}$`));
    await expect(teacher.locator(`[data-testid^="student-"]`)).toHaveCount(2);
    await teacher.getByRole("searchbox", { name: "Search students" }).fill("student33");
    await teacher.getByRole("button", { name: "Search" }).click();
    await expect(teacher).toHaveURL(/q=e2e-student33|q=student33/);
    await expect(teacher.locator(`[data-testid^="student-"]`)).toHaveCount(1);
    await teacher.goto(`/teach/classes/${CLASS}?status=%ZZ&q=${encodeURIComponent("'; DROP TABLE users; --")}`);
    await expect(teacher.getByText("No student matches.")).toBeVisible();
    await teacher.goto(`/teach/classes/${CLASS}`);

    for (const scheme of ["light", "dark"] as const) {
      await teacher.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(teacher, `the class view (${scheme})`);
      await shootBothWidths(teacher, shoot, `class-view-${scheme}`);
    }
    await teacher.setViewportSize({ width: 375, height: 740 });
    await expectNoSidewaysScroll(teacher, "the class view at 375 px");
    await teacher.setViewportSize({ width: 1280, height: 800 });
    await teacher.emulateMedia({ colorScheme: "light" });

    // "Extend all" of the lab, from its column, with the keyboard: confirmed with the count.
    const extendAll = teacher.getByRole("button", { name: "Extend all E2E Class Lab" });
    await tabTo(teacher, extendAll);
    await teacher.keyboard.press("Enter");
    const dialog = teacher.getByRole("dialog", { name: "Extend 2 environments of E2E Class Lab?" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("bulk-plan")).toHaveText("Extends 2 environments.");
    await dialog.getByRole("button", { name: "Extend 2 environments of E2E Class Lab" }).click();
    const summary = teacher.getByTestId("bulk-summary");
    await expect(summary).toContainText("Extended 2 environments.");
    await expect(summary).toContainText(/Now until \d/);
    const extended = await ada.request.get(`/api/v1/environments/${adaLab.uuid}`);
    expect(((await extended.json()) as { extendCount: number }).extendCount).toBe(1);
    await teacher.emulateMedia({ colorScheme: "dark" });
    await shootBothWidths(teacher, shoot, "class-view-extended-dark");
    await teacher.emulateMedia({ colorScheme: "light" });
    await summary.getByRole("button", { name: "Dismiss" }).click();

    // End one environment: the notes of the first student, picked by checkbox and template.
    await adaRow.getByRole("checkbox").check();
    await teacher.getByRole("group", { name: "Act on the students picked" }).getByRole("combobox").selectOption(NOTES);
    await teacher.getByRole("button", { name: "End…", exact: true }).click();
    const endDialog = teacher.getByRole("dialog", { name: "End 1 environment of E2E Class Notes?" });
    await expect(endDialog).toBeVisible();
    await shootBothWidths(teacher, shoot, "class-view-end-confirm");
    await endDialog.getByRole("button", { name: "End 1 environment of E2E Class Notes" }).click();
    await expect(teacher.getByTestId("bulk-summary")).toContainText("Ended 1 environment.");
    await expect(teacher.getByTestId(`cell-${accounts.student32.username}-${NOTES}`)).toContainText(/Deleting|Not started/);
    expect((await ada.request.get(`/api/v1/environments/${adaNotes.uuid}`)).status()).toBe(404);
    // The lab environments were not touched by it.
    expect(((await (await bob.request.get(`/api/v1/environments/${bobLab.uuid}`)).json()) as { phase: string }).phase).toBe("Ready");

    // Open where the template lets teachers: audited, then on to the environment's address.
    const open = adaLabCell.getByRole("link", { name: /Open/ });
    await expect(open).toBeVisible();
    await expect(teacher.getByTestId(`cell-${accounts.student32.username}-${NOTES}`).getByRole("link", { name: /Open/ })).toHaveCount(0);
    const href = (await open.getAttribute("href"))!;
    const redirect = await teacher.request.get(href, { maxRedirects: 0 });
    expect(redirect.status()).toBe(303);
    const readyUrl = ((await (await ada.request.get(`/api/v1/environments/${adaLab.uuid}`)).json()) as { url: string }).url;
    expect(redirect.headers().location).toBe(readyUrl);
    expect(await openAuditEntries(adaLab.uuid)).toEqual([expect.objectContaining({ actorName: accounts.teacher6.username, after: expect.objectContaining({ class: CLASS, students: [accounts.student32.username] }) })]);

    // Another class's teacher: no such class, and no way in through Open or the API.
    const stranger = await pageAs("teacher7");
    const notFound = await stranger.goto(`/teach/classes/${CLASS}`);
    expect(notFound?.status()).toBe(404);
    expect((await stranger.request.get(href, { maxRedirects: 0 })).status()).toBe(404);
    expect((await stranger.request.get(`/api/v1/classes/${CLASS}/environments`)).status()).toBe(404);
    expect(await openAuditEntries(adaLab.uuid)).toHaveLength(1);
    await shootBothWidths(stranger, shoot, "class-view-not-found");

    // Tidy up: the students end what is left, so a second run starts from "not started".
    for (const [page, uuid] of [
      [ada, adaLab.uuid],
      [bob, bobLab.uuid],
      [outsider, outsiderLab.uuid],
    ] as const) {
      await page.request.delete(`/api/v1/environments/${uuid}`);
    }
  });
});
