import type { Browser, Page } from "@playwright/test";
import { db } from "@/lib/db/client";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { createTemplate } from "@/lib/services/templates/create-template";
import { expect, requireCluster, shootBothWidths, test } from "./fixtures";
import { UNREACHABLE_REPOSITORY } from "./support/cluster";
import { withE2eDatabase } from "./support/database";
import { readState, type Account } from "./support/state";
import { environmentsOf } from "./support/student";

/**
 * A class from first to last click, all through the pages, against the real control plane with Flux: a
 * teacher creates a class, two students join with its link, the teacher builds a catalog of three
 * environments for it and reorders them, the students find it first in their catalog and launch from it; the
 * teacher sees both running, extends every environment of one template, ends one, and opens one whose
 * template lets teachers. A student and a teacher of another class can neither see nor touch any of it.
 * The three templates are this journey's own (teacher access on the first only); the other class is made
 * in the database. Accounts used by no other journey: teacher8, teacher9, student48 to student50.
 */

const READY_TIMEOUT = 120_000;
const TEMPLATES = [
  { name: "e2e-day-shell", displayName: "Day Shell", teacherAccess: true },
  { name: "e2e-day-notes", displayName: "Day Notes", teacherAccess: false },
  { name: "e2e-day-sql", displayName: "Day SQL", teacherAccess: false },
] as const;
const OTHER_CLASS = "e2e-day-other";

/** The journey's templates (hidden: reached only through the catalog) and the other class, made once. */
async function setUp(other: { teacher: string; student: string }) {
  const { helmRepositoryUrl } = readState();
  await withE2eDatabase(async () => {
    const chart = { type: "helm" as const, repoUrl: helmRepositoryUrl ?? UNREACHABLE_REPOSITORY, chart: "envdeck-test", revision: "0.1.0" };
    for (const t of TEMPLATES) {
      if (await db().template.findUnique({ where: { name: t.name } })) continue;
      await createTemplate(SYSTEM_IDENTITY, {
        ...t,
        description: `${t.displayName} for the class day journey.`,
        icon: "terminal",
        category: "e2e,class day",
        visible: false,
        ttlSeconds: 3600,
        ttlExtendSeconds: 1800,
        ttlMaxExtends: 2,
        spec: { chart, valuesTemplate: "greeting: class day\nowner: {{ owner }}\n", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" },
      });
    }
    const [teacher, student] = await Promise.all([other.teacher, other.student].map((username) => db().user.findUniqueOrThrow({ where: { username } })));
    const cls = await db().class.upsert({ where: { slug: OTHER_CLASS }, create: { slug: OTHER_CLASS, title: "Another class of the day" }, update: {} });
    await db().classTeacher.createMany({ data: [{ classId: cls.id, userId: teacher!.id }], skipDuplicates: true });
    await db().classMember.createMany({ data: [{ classId: cls.id, userId: student!.id, via: "link" }], skipDuplicates: true });
  });
}

async function join(browser: Browser, baseURL: string, account: Account, link: string, title: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await page.goto(link);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(link);
  await page.getByRole("button", { name: `Join ${title}` }).click();
  await expect(page.getByTestId("join-outcome")).toHaveText(`You're in ${title}`);
  return page;
}

/** The display names of the catalog editor's rows, top to bottom. */
async function order(page: Page): Promise<string[]> {
  const labels = await page.getByTestId("catalog-item").evaluateAll((rows) => rows.map((row) => row.getAttribute("aria-label") ?? ""));
  return labels.map((label) => label.replace(/, position \d+ of \d+$/, ""));
}

/** Launches from the student's catalog: the class's section first, then the card, then Launch. */
async function launchFromCatalog(page: Page, catalogTitle: string, displayName: string): Promise<void> {
  await page.goto("/");
  const section = page.locator("section.class", { has: page.getByRole("heading", { name: catalogTitle }) });
  await section.getByRole("link", { name: displayName, exact: true }).click();
  await page.getByRole("button", { name: "Launch", exact: true }).click();
  await expect(page.getByRole("list", { name: "Launch progress" })).toBeVisible();
}

test("a class's day: created, joined by link, given a catalog, launched from, watched, extended, ended and opened, and closed to another class", async ({ pageAs, browser, baseURL, accounts, shoot }) => {
  requireCluster();
  test.setTimeout(READY_TIMEOUT + 300_000);
  await setUp({ teacher: accounts.teacher9.username, student: accounts.student50.username });
  const slug = `day-${Date.now().toString(36)}`;
  const title = `Systems ${slug.slice(4)}`;
  const catalogTitle = `Week 1 ${slug.slice(4)}`;

  // The teacher creates the class and reads its join link from the roster.
  const teacher = await pageAs("teacher8");
  await teacher.goto("/teach/classes/new");
  await teacher.getByLabel("Title").fill(title);
  await teacher.getByLabel("Short name").fill(slug);
  await teacher.getByRole("button", { name: "Create class" }).click();
  await expect(teacher).toHaveURL(`/teach/classes/${slug}/roster`);
  const link = new URL(await teacher.getByRole("textbox", { name: "Join link" }).inputValue()).pathname;

  // Two students join with the link, signing in on the way.
  const ada = await join(browser, baseURL!, accounts.student48, link, title);
  const bob = await join(browser, baseURL!, accounts.student49, link, title);
  await teacher.reload();
  await expect(teacher.getByRole("heading", { name: /Members/ })).toContainText("(2)");

  // A catalog of three environments for the class, reordered: SQL last → first, with a note.
  await teacher.goto("/teach/catalogs/new");
  const form = teacher.getByRole("form", { name: "Catalog" });
  await form.getByRole("textbox", { name: /^Title/ }).fill(catalogTitle);
  await form.getByRole("checkbox", { name: title }).check();
  const find = form.getByRole("searchbox", { name: "Add an environment" });
  await find.fill("Day ");
  const choices = form.getByRole("list", { name: "Environments to add" });
  for (const t of TEMPLATES) await choices.getByRole("button", { name: `Add ${t.displayName}` }).click();
  await expect.poll(() => order(teacher)).toEqual(["Day Shell", "Day Notes", "Day SQL"]);
  await form.getByRole("listitem", { name: /^Day SQL, position/ }).focus();
  await teacher.keyboard.press("Alt+ArrowUp");
  await teacher.keyboard.press("Alt+ArrowUp");
  await form.getByRole("listitem", { name: /^Day Shell, position/ }).dragTo(form.getByRole("listitem", { name: /^Day Notes, position/ }));
  await expect.poll(async () => (await order(teacher))[0]).toBe("Day SQL");
  const reordered = await order(teacher);
  expect([...reordered].sort()).toEqual(["Day Notes", "Day SQL", "Day Shell"]);
  await form.getByRole("listitem", { name: /^Day SQL, position/ }).getByRole("textbox", { name: /Note for students/ }).fill("start here");
  await form.getByRole("button", { name: "Create catalog" }).click();
  await expect(teacher.getByText("Saved. Students of its classes and groups see it now.")).toBeVisible();

  // The students find it first, in the teacher's order, with the note; both launch the shell, Ada the notes too.
  await ada.goto("/");
  const section = ada.locator("section.class", { has: ada.getByRole("heading", { name: catalogTitle }) });
  await expect(section.locator("h3")).toHaveText(reordered);
  expect(await ada.locator(".catalog > section, .catalog > .categories").evaluateAll((nodes) => nodes[0]?.className)).toBe("class");
  await expect(section.locator("p.note")).toHaveText("Note from your teacher: start here");
  await shootBothWidths(ada, shoot, "class-day-student-catalog");
  await launchFromCatalog(ada, catalogTitle, "Day Shell");
  await launchFromCatalog(bob, catalogTitle, "Day Shell");
  await launchFromCatalog(ada, catalogTitle, "Day Notes");
  const shellOf = async (page: Page, name: string) => (await environmentsOf(page)).find((e) => e.name === name)!;
  const [adaShell, bobShell, adaNotes] = [await shellOf(ada, "e2e-day-shell"), await shellOf(bob, "e2e-day-shell"), await shellOf(ada, "e2e-day-notes")];

  // The teacher watches both shells turn Ready without reloading.
  await teacher.goto(`/teach/classes/${slug}`);
  const cell = (account: Account, template: string) => teacher.getByTestId(`cell-${account.username}-${template}`);
  await expect(cell(accounts.student48, "e2e-day-shell")).toContainText("Ready", { timeout: READY_TIMEOUT });
  await expect(cell(accounts.student49, "e2e-day-shell")).toContainText("Ready", { timeout: READY_TIMEOUT });
  await expect(cell(accounts.student48, "e2e-day-notes")).toContainText("Ready", { timeout: READY_TIMEOUT });
  await expect(teacher.getByTestId("class-summary")).toHaveText("3 running · 3 not started");
  await shootBothWidths(teacher, shoot, "class-day-class-view");

  // Extend every shell of the class, confirmed with the count.
  await teacher.getByRole("button", { name: "Extend all Day Shell" }).click();
  const extend = teacher.getByRole("dialog", { name: "Extend 2 environments of Day Shell?" });
  await extend.getByRole("button", { name: "Extend 2 environments of Day Shell" }).click();
  await expect(teacher.getByTestId("bulk-summary")).toContainText("Extended 2 environments.");
  for (const [page, uuid] of [[ada, adaShell.uuid], [bob, bobShell.uuid]] as const) {
    expect(((await (await page.request.get(`/api/v1/environments/${uuid}`)).json()) as { extendCount: number }).extendCount).toBe(1);
  }
  await teacher.getByTestId("bulk-summary").getByRole("button", { name: "Dismiss" }).click();

  // End Ada's notes.
  await teacher.getByTestId(`student-${accounts.student48.username}`).getByRole("checkbox").check();
  await teacher.getByRole("group", { name: "Act on the students picked" }).getByRole("combobox").selectOption("e2e-day-notes");
  await teacher.getByRole("button", { name: "End…", exact: true }).click();
  await teacher.getByRole("dialog", { name: "End 1 environment of Day Notes?" }).getByRole("button", { name: "End 1 environment of Day Notes" }).click();
  await expect(teacher.getByTestId("bulk-summary")).toContainText("Ended 1 environment.");
  expect((await ada.request.get(`/api/v1/environments/${adaNotes.uuid}`)).status()).toBe(404);

  // Open Bob's shell, which the template allows: audited, then on to its address.
  const open = cell(accounts.student49, "e2e-day-shell").getByRole("link", { name: /Open/ });
  const href = (await open.getAttribute("href"))!;
  const answer = await teacher.request.get(href, { maxRedirects: 0 });
  expect(answer.status()).toBe(303);
  expect(answer.headers().location).toBe(((await (await bob.request.get(`/api/v1/environments/${bobShell.uuid}`)).json()) as { url: string }).url);
  await expect(cell(accounts.student48, "e2e-day-sql").getByRole("link", { name: /Open/ })).toHaveCount(0);

  // A student of another class sees none of it; a teacher of another class reaches none of it.
  const outsider = await pageAs("student50");
  await outsider.goto("/");
  await expect(outsider.getByRole("heading", { name: catalogTitle })).toHaveCount(0);
  await expect(outsider.getByText("Day Shell")).toHaveCount(0);
  expect((await outsider.request.get(`/api/v1/environments/${bobShell.uuid}`)).status()).toBe(404);
  expect((await outsider.request.delete(`/api/v1/environments/${bobShell.uuid}`)).status()).toBe(404);
  expect([403, 404]).toContain((await outsider.request.get(`/api/v1/classes/${slug}/environments`)).status());
  expect([403, 404]).toContain((await outsider.goto(`/teach/classes/${slug}`))?.status());
  const stranger = await pageAs("teacher9");
  for (const path of [`/teach/classes/${slug}`, `/teach/classes/${slug}/roster`, `/teach/classes/${slug}/settings`]) expect((await stranger.goto(path))?.status()).toBe(404);
  expect((await stranger.request.get(href, { maxRedirects: 0 })).status()).toBe(404);
  expect((await stranger.request.get(`/api/v1/classes/${slug}/environments`)).status()).toBe(404);
  const smuggled = await stranger.request.post(`/api/v1/classes/${OTHER_CLASS}/environments/bulk`, {
    data: { action: "end", uuids: [adaShell.uuid, bobShell.uuid], dryRun: false, confirm: 2 },
    headers: { Origin: baseURL! },
  });
  // Their own class's bulk action, naming this class's environments: none of them is acted on.
  if (smuggled.ok()) expect(((await smuggled.json()) as { items: { outcome: string }[] }).items.every((item) => item.outcome === "not-found")).toBe(true);
  expect(((await (await bob.request.get(`/api/v1/environments/${bobShell.uuid}`)).json()) as { phase: string }).phase).toBe("Ready");
  expect((await stranger.goto(`/teach/catalogs`))?.status()).toBe(200);
  await expect(stranger.getByText(catalogTitle)).toHaveCount(0);

  // Tidy up: the students end what is left.
  for (const [page, uuid] of [[ada, adaShell.uuid], [bob, bobShell.uuid]] as const) await page.request.delete(`/api/v1/environments/${uuid}`);
});
