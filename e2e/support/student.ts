import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

/** Helpers for the student journeys: the REST API in the page's session, axe, the keyboard, tampering. */

export interface Environment {
  uuid: string;
  name: string;
  phase: string;
  url: string | null;
  expiresAt: string | null;
}

/** Launches through `POST /api/v1/run/{name}` with the page's session cookie, as a script of the student would. */
export async function launchViaApi(page: Page, name: string, params: Record<string, unknown> = {}): Promise<Environment> {
  const response = await page.request.post(`/api/v1/run/${name}`, { data: { params } });
  expect(response.status(), await response.text()).toBeLessThan(300);
  return (await response.json()) as Environment;
}

/** The signed-in user's live environments, through the REST API. */
export async function environmentsOf(page: Page): Promise<Environment[]> {
  const response = await page.request.get("/api/v1/environments");
  expect(response.status()).toBe(200);
  return ((await response.json()) as { environments: Environment[] }).environments;
}

/** The seconds a countdown clock shows ("Expires in 1:29:58" → 5398). */
export function countdownSeconds(text: string): number {
  const clock = /(\d+):(\d{2})(?::(\d{2}))?/.exec(text);
  if (!clock) throw new Error(`no countdown clock in "${text}"`);
  return clock
    .slice(1)
    .filter((part) => part !== undefined)
    .reduce((total, part) => total * 60 + Number(part), 0);
}

/** The uuid in an instance URL (`https://<template>-<uuid>.<domain>/`). */
export function uuidFromUrl(url: string): string {
  const match = /-([0-9a-f]{8})\./.exec(url);
  if (!match) throw new Error(`no instance uuid in ${url}`);
  return match[1]!;
}

/** Runs axe on the page as it is and fails on any serious or critical violation, listing them readably. */
export async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  expect(serious, `accessibility violations on ${what}`).toEqual([]);
}

/** Presses Tab until `target` has the focus (at most `max` times); fails if it never does. */
export async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

type Fields = [name: string, value: string][];

/**
 * Rewrites the form fields of the next server-action POST the page sends (a multipart body), the way a
 * student editing the request in the browser's tools would; later requests pass untouched. `edit` sees the fields under their wire names
 * (React prefixes a FormData argument's fields with its reference, e.g. `1_name`).
 */
export async function tamperNextServerAction(page: Page, edit: (fields: Fields) => Fields): Promise<void> {
  let done = false;
  await page.route("**/*", async (route) => {
    const request = route.request();
    const boundary = /boundary=([^;]+)/.exec(request.headers()["content-type"] ?? "")?.[1];
    if (done || request.method() !== "POST" || !request.headers()["next-action"] || !boundary) return route.fallback();
    done = true;
    const fields: Fields = [];
    for (const part of (request.postData() ?? "").split(`--${boundary}`)) {
      const match = /^\r\nContent-Disposition: form-data; name="([^"]*)"\r\n\r\n([\s\S]*)\r\n$/.exec(part);
      if (match) fields.push([match[1]!, match[2]!]);
    }
    if (fields.length === 0) throw new Error("the server action's body has no plain form fields to tamper with");
    const body = edit(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join("");
    await route.continue({ postData: `${body}--${boundary}--\r\n` });
  });
}
