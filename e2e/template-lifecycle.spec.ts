import type { Locator, Page } from "@playwright/test";
import { expect, requireCluster, shootBothWidths, test } from "./fixtures";
import { readState } from "./support/state";
import { environmentsOf } from "./support/student";

/**
 * A template's whole life run from the admin's forms, in Chromium against the real control plane: created
 * from the blank starter, pointed at the Helm repository on loopback, made a warm pool of two that the real
 * Flux fills while the admin watches, launched at once by a student, its lifetime shortened and its launching
 * turned off (each with the impact shown first), deleted leaving the student's environment running, and
 * restored. The journey signs in as accounts no other journey uses (admin5, student21) and makes a template of
 * its own (e2e-lifecycle).
 */

/** Flux fetches the chart and installs each member: seconds, but a loaded two-core machine deserves slack. */
const INSTALL_TIMEOUT = 180_000;
const NAME = "e2e-lifecycle";

/** The value of one fact of the pool section ("Available" → "2"). */
function poolFact(page: Page, label: string): Locator {
  return page
    .getByTestId("pool-facts")
    .locator("div")
    .filter({ has: page.getByRole("term").filter({ hasText: new RegExp(`^${label}$`) }) })
    .getByRole("definition");
}

/** Turns a switch with the keyboard, as its label says, and checks it turned. */
async function toggle(page: Page, control: Locator, on: boolean) {
  await control.focus();
  await page.keyboard.press("Space");
  await expect(control).toBeChecked({ checked: on });
}

/** The template's card in the student's catalog, read afresh until it shows what is expected. */
async function expectCard(student: Page, text: string) {
  await expect(async () => {
    await student.goto("/");
    const card = student.getByRole("listitem").filter({ has: student.getByRole("link", { name: "E2E Lifecycle", exact: true }) });
    await expect(card).toContainText(text, { timeout: 1000 });
  }).toPass({ timeout: INSTALL_TIMEOUT, intervals: [1000, 2000, 3000] });
}

test.describe("a template's life from the admin's forms", () => {
  test("created, pointed at a chart, made a pool of two that fills, launched at once, shortened, disabled, deleted and restored", async ({ pageAs, shoot }) => {
    requireCluster();
    test.setTimeout(3 * INSTALL_TIMEOUT);
    const { helmRepositoryUrl } = readState();
    const admin = await pageAs("admin5");
    const student = await pageAs("student21");

    // From the blank starter: it starts disabled, out of the students' way until it has a real chart.
    await admin.goto("/admin/templates/new");
    const starter = admin.getByRole("form", { name: "Create from a starter" });
    await starter.getByRole("radio", { name: /^Blank/ }).check();
    await starter.getByRole("textbox", { name: /^Name/ }).fill(NAME);
    await starter.getByRole("textbox", { name: /^Display name/ }).fill("E2E Lifecycle");
    await starter.getByRole("button", { name: "Create template" }).click();
    await expect(admin).toHaveURL(`/admin/templates/${NAME}`);

    // The spec: the test chart of the Helm repository on loopback, a values template a pool can render.
    const editor = admin.getByRole("form", { name: "Edit deployable spec" });
    await editor.getByRole("combobox", { name: /^Chart source/ }).selectOption("helm");
    await editor.getByRole("textbox", { name: /^Repository URL/ }).fill(helmRepositoryUrl!);
    await editor.getByRole("textbox", { name: /^Chart name/ }).fill("envdeck-test");
    await editor.getByRole("textbox", { name: /^Chart version/ }).fill("0.1.0");
    await editor.getByRole("textbox", { name: /^Values template/ }).fill("greeting: lifecycle {{ uuid }}\n");
    await editor.getByRole("textbox", { name: /^What changed/ }).fill("The test chart");
    await editor.getByRole("button", { name: "Save new version" }).click();
    await expect(editor.getByRole("status")).toHaveText("Saved as version 2.");

    // Enabled as a warm pool of two, with a lifetime of an hour: the impact says what the save starts.
    const form = admin.getByRole("form", { name: "Template settings" });
    const impact = admin.getByTestId("settings-impact");
    const status = form.getByRole("status").filter({ hasText: /\S/ });
    await toggle(admin, form.getByRole("switch", { name: /^Launching enabled/ }), true);
    await form.getByRole("radio", { name: /^Warm pool/ }).check();
    await form.getByRole("spinbutton", { name: "Warm members" }).fill("2");
    await form.getByRole("spinbutton", { name: "Lifetime" }).fill("1");
    await form.getByRole("combobox", { name: "Lifetime: unit" }).selectOption("hours");
    await expect(impact).toContainText("Creates 2 pool members.");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(status).toContainText("Saved:");

    // The pool section follows the members as Flux installs them, without a reload.
    await expect(poolFact(admin, "Desired size")).toHaveText("2");
    await expect(poolFact(admin, "Available")).toHaveText("2", { timeout: INSTALL_TIMEOUT });
    await admin.getByRole("heading", { level: 2, name: "Pool", exact: true }).scrollIntoViewIfNeeded();
    await shootBothWidths(admin, shoot, "template-lifecycle-pool-filled");

    // The student sees it as instant and gets a member at once: no install to wait for.
    await expectCard(student, "Instant");
    await student.getByRole("link", { name: "E2E Lifecycle", exact: true }).click();
    await student.getByRole("button", { name: "Launch", exact: true }).click();
    await expect(student.getByTestId("instance-url")).toHaveText(/^https:\/\/e2e-lifecycle-[0-9a-f]{8}\./, { timeout: 5000 });
    const [environment] = await environmentsOf(student);
    expect(environment).toMatchObject({ name: NAME, phase: "Claimed" });
    await expect(poolFact(admin, "Claimed")).toHaveText("1");

    // A shorter lifetime: the running environment keeps its expiry, new launches get the new one.
    await form.getByRole("spinbutton", { name: "Lifetime" }).fill("30");
    await form.getByRole("combobox", { name: "Lifetime: unit" }).selectOption("minutes");
    await expect(impact).toContainText("1 running environment keeps its expiry; new launches get 30 minutes.");
    await impact.scrollIntoViewIfNeeded();
    await shootBothWidths(admin, shoot, "template-lifecycle-shorter");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(status).toHaveText("Saved: lifetime.");
    expect((await environmentsOf(student))[0]?.expiresAt).toBe(environment!.expiresAt);

    // Launching turned off: the impact says what stops and what is left alone, and the save asks first.
    await toggle(admin, form.getByRole("switch", { name: /^Launching enabled/ }), false);
    await expect(impact).toContainText("Students and staff can no longer launch it; 1 running environment is not touched.");
    await form.getByRole("button", { name: "Save settings" }).click();
    const confirm = admin.getByRole("dialog", { name: "Save this change?" });
    await expect(confirm).toContainText("can no longer launch it");
    await confirm.getByRole("button", { name: "Save anyway" }).click();
    await expect(status).toHaveText("Saved: launching.");
    await expectCard(student, "Unavailable");
    expect((await student.request.post(`/api/v1/run/${NAME}`, { data: { params: {} } })).status()).not.toBe(201);

    // Deleted, leaving the student's environment to expire; restored from the Deleted filter.
    await admin.getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = admin.getByRole("dialog", { name: "Delete E2E Lifecycle?" });
    await expect(dialog).toContainText("1 environment of it in use:");
    await expect(dialog.getByRole("radio", { name: /^Leave it running until it expires/ })).toBeChecked();
    await dialog.getByRole("button", { name: "Delete template" }).click();
    await expect(admin).toHaveURL(`/admin/templates?done=deleted:${NAME}`);
    expect((await environmentsOf(student)).map((e) => e.uuid)).toContain(environment!.uuid);
    await admin.goto("/admin/templates?deleted=1");
    await admin.getByRole("button", { name: "Restore E2E Lifecycle" }).click();
    await expect(admin).toHaveURL(`/admin/templates?done=restored:${NAME}`);
    await admin.goto(`/admin/templates/${NAME}`);
    await expect(admin.getByRole("heading", { level: 1 })).toContainText("E2E Lifecycle");
    await expect(form.getByRole("switch", { name: /^Launching enabled/ })).not.toBeChecked();

    // The student ends their environment; the journey leaves nothing running of its own.
    expect((await student.request.delete(`/api/v1/environments/${environment!.uuid}`)).status()).toBe(204);
  });
});
