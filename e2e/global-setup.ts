import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { chromium, type FullConfig } from "@playwright/test";
import { closeDb, createPrismaClient, setDb } from "@/lib/db/client";
import { upsertLocalUser } from "@/lib/services/accounts";
import { createTemplate } from "@/lib/services/templates";
import { DEMO_TEMPLATES } from "@/lib/services/demo";
import { freePort, startTestPostgres, withDatabase } from "../test/support/postgres";
import { chromiumLaunchOptions } from "./support/browser";
import { startOidcProvider } from "./support/oidc-provider";
import { ARTIFACTS, STATE_FILE, storageStatePath, type E2eState, type RoleName } from "./support/state";

/**
 * Brings up everything the journeys run against, all real and all on loopback: an embedded PostgreSQL, an
 * OpenID Provider, and the production build of the portal (`next start`). Creates one account per role,
 * signs each in once through the real form and keeps the session for the specs that need it.
 */

async function waitForHealth(url: string, server: ChildProcess, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the portal exited with code ${server.exitCode} before becoming healthy`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the portal did not become healthy within ${timeoutMs} ms`);
}

export default async function globalSetup(config: FullConfig) {
  await mkdir(ARTIFACTS, { recursive: true });
  const postgres = await startTestPostgres();
  const databaseUrl = withDatabase(postgres.adminUrl, "envdeck_template");
  const prisma = createPrismaClient(databaseUrl, 2);
  setDb(prisma);

  const accounts = {} as E2eState["accounts"];
  for (const role of ["student", "teacher", "admin"] as RoleName[]) {
    const username = `e2e-${role}`;
    const password = randomBytes(12).toString("base64url");
    const displayName = `E2E ${role[0]!.toUpperCase()}${role.slice(1)}`;
    await upsertLocalUser({ username, password, roles: [role], displayName, groups: role === "student" ? ["class-1a"] : [] });
    accounts[role] = { username, password, displayName };
  }
  // An account whose (valid) password is longer than sign-in accepts: proves the server enforces the limit.
  await upsertLocalUser({ username: "e2e-longpass", password: "p".repeat(300), roles: ["admin"] });
  for (const template of DEMO_TEMPLATES) await createTemplate(template, null);
  await closeDb(prisma);

  const baseURL = config.projects[0]!.use.baseURL!;
  const port = Number(new URL(baseURL).port);
  const oidc = await startOidcProvider({ port: await freePort(), redirectUri: `${baseURL}/api/auth/callback/oidc` });

  // The portal gets a clean environment: in particular not this process's NODE_OPTIONS (react-server condition).
  const server = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      NEXTAUTH_URL: baseURL,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: oidc.clientId,
      OIDC_CLIENT_SECRET: oidc.clientSecret,
      OIDC_DISPLAY_NAME: "School Login",
      ENVDECK_EXPOSED_CLAIMS: "email,name,access_token",
      ENVDECK_ENGINE: "none",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitForHealth(baseURL, server);

  const state: E2eState = { oidcIssuer: oidc.issuer, accounts };
  await writeFile(STATE_FILE, JSON.stringify(state, null, 2));

  const browser = await chromium.launch(chromiumLaunchOptions());
  for (const role of Object.keys(accounts) as RoleName[]) {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await page.goto("/signin");
    await page.getByLabel("Username").fill(accounts[role].username);
    await page.getByLabel("Password").fill(accounts[role].password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${baseURL}/`);
    await context.storageState({ path: storageStatePath(role) });
    await context.close();
  }
  await browser.close();

  return async () => {
    server.kill("SIGTERM");
    await oidc.close();
    await postgres.stop();
  };
}
