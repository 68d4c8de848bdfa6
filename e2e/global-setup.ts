import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { request, type FullConfig } from "@playwright/test";
import { closeDb, createPrismaClient, setDb } from "@/lib/db/client";
import { upsertLocalUser } from "@/lib/services/accounts/upsert-local-user";
import { DEMO_TEMPLATES } from "@/lib/services/system/seed-demo";
import { createTemplate } from "@/lib/services/templates/create-template";
import { startControlPlane, type ControlPlane } from "@/scripts/cluster/control-plane";
import { freePort, startTestPostgres, withDatabase } from "../test/support/postgres";
import { createE2eTemplates, findClusterBinaries } from "./support/cluster";
import { startOidcProvider } from "./support/oidc-provider";
import { startPortal, startWorker, waitForHealth, waitForWorker } from "./support/processes";
import { ARTIFACTS, EXTRA_ADMINS, EXTRA_STUDENTS, EXTRA_TEACHERS, SPARE_ACCOUNTS, STATE_FILE, WORKER_LOG, storageStatePath, type Account, type AccountName, type E2eState, type RoleName } from "./support/state";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";

/**
 * Brings up everything the journeys run against, all real and all on loopback: an embedded PostgreSQL, an
 * OpenID Provider, a Kubernetes control plane with Flux's controllers and a Helm repository serving the
 * fixture charts (scripts/cluster), the production build of the portal (scripts/web.ts) pointed at it, and
 * the worker, so launched environments really go Pending → Provisioning → Ready. Creates the accounts and
 * the e2e templates, signs each account in once and keeps the sessions.
 *
 * Without the control-plane binaries the portal runs with ENVDECK_ENGINE=none and the journeys that launch
 * skip loudly; ENVDECK_REQUIRE_CLUSTER=1 (CI) turns that into a failure.
 */

type Stop = () => Promise<void>;

/** Stops what was started, newest first; a failing stop is reported and does not keep the others running. */
async function stopAll(stops: Stop[]): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    await stop().catch((error: unknown) => console.error(`[e2e] teardown step failed: ${(error as Error).message}`));
  }
}

async function signIn(baseURL: string, account: Account, storageState: string): Promise<void> {
  const context = await request.newContext({ baseURL });
  try {
    const { csrfToken } = (await (await context.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const response = await context.post("/api/auth/callback/credentials", {
      form: { csrfToken, username: account.username, password: account.password, json: "true" },
      maxRedirects: 0,
    });
    const session = (await (await context.get("/api/auth/session")).json()) as { user?: unknown };
    if (!session.user) throw new Error(`${account.username} could not sign in (HTTP ${response.status()})`);
    await context.storageState({ path: storageState });
  } finally {
    await context.dispose();
  }
}

async function printWorkerLog() {
  const text = await readFile(WORKER_LOG, "utf8").catch(() => null);
  if (text !== null) console.error(`[e2e] worker log (${WORKER_LOG}):\n${text.split("\n").slice(-80).join("\n")}`);
}

export default async function globalSetup(config: FullConfig) {
  const started = performance.now();
  await mkdir(ARTIFACTS, { recursive: true });
  await rm(WORKER_LOG, { force: true });
  const found = findClusterBinaries();
  const stops: Stop[] = [];
  try {
    // PostgreSQL and the control plane take a few seconds each: start them side by side.
    const clusterDir = found.binaries ? await mkdtemp(path.join(os.tmpdir(), "envdeck-e2e-cluster-")) : null;
    if (clusterDir) stops.push(() => rm(clusterDir, { recursive: true, force: true }));
    const [postgresStart, clusterStart] = await Promise.allSettled([
      startTestPostgres(),
      found.binaries ? startControlPlane({ dir: clusterDir!, binaries: found.binaries, log: (line) => console.log(`[cluster] ${line}`) }) : Promise.resolve(null),
    ]);
    if (postgresStart.status === "fulfilled") stops.push(() => postgresStart.value.stop());
    if (clusterStart.status === "fulfilled" && clusterStart.value) {
      const controlPlane = clusterStart.value;
      stops.push(() => controlPlane.stop());
    }
    if (postgresStart.status === "rejected") throw postgresStart.reason;
    if (clusterStart.status === "rejected") throw clusterStart.reason;
    const controlPlane: ControlPlane | null = clusterStart.value;

    const databaseUrl = withDatabase(postgresStart.value.adminUrl, "envdeck_template");
    const prisma = createPrismaClient(databaseUrl, 2);
    setDb(prisma);
    const accounts = {} as E2eState["accounts"];
    const create = async (name: AccountName, role: RoleName, displayName: string) => {
      const username = `e2e-${name}`;
      const password = randomBytes(12).toString("base64url");
      await upsertLocalUser(SYSTEM_IDENTITY, { username, password, roles: [role], displayName, groups: role === "student" ? ["class-1a"] : [] });
      accounts[name] = { username, password, displayName };
    };
    // One at a time: all at once, their transactions queue on this client's two connections and, on a loaded
    // machine, wait longer than Prisma lets a transaction wait to start.
    for (const role of ["student", "teacher", "admin"] as RoleName[]) await create(role, role, `E2E ${role[0]!.toUpperCase()}${role.slice(1)}`);
    for (const name of EXTRA_STUDENTS) await create(name, "student", `E2E Student ${name.slice("student".length)}`);
    for (const name of EXTRA_ADMINS) await create(name, "admin", `E2E Admin ${name.slice("admin".length)}`);
    for (const name of EXTRA_TEACHERS) await create(name, "teacher", `E2E Teacher ${name.slice("teacher".length)}`);
    const spareAccounts = {} as E2eState["spareAccounts"];
    for (const name of SPARE_ACCOUNTS) {
      const account = { username: `e2e-${name}`, password: randomBytes(12).toString("base64url"), displayName: `E2E Spare ${name}` };
      await upsertLocalUser(SYSTEM_IDENTITY, { ...account, roles: ["student"], groups: ["class-1a"] });
      spareAccounts[name] = account;
    }
    // An account whose (valid) password is longer than sign-in accepts: proves the server enforces the limit.
    await upsertLocalUser(SYSTEM_IDENTITY, { username: "e2e-longpass", password: "p".repeat(300), roles: ["admin"] });
    for (const template of DEMO_TEMPLATES) await createTemplate(SYSTEM_IDENTITY, template);
    await createE2eTemplates(controlPlane?.helmRepositoryUrl ?? null);
    await closeDb(prisma);

    const baseURL = config.projects[0]!.use.baseURL!;
    const port = Number(new URL(baseURL).port);
    const oidc = await startOidcProvider({ port: await freePort(), redirectUri: `${baseURL}/api/auth/callback/oidc` });
    stops.push(() => oidc.close());

    const portalEnv: Record<string, string> = {
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
      ENVDECK_METRICS_TOKEN: randomBytes(24).toString("hex"),
    };
    const clusterEnv: Record<string, string> = controlPlane ? { ENVDECK_ENGINE: "auto", KUBECONFIG: controlPlane.kubeconfigPath } : {};
    const portal = startPortal(port, { ...portalEnv, ...clusterEnv });
    stops.push(() => portal.stop());
    const waits = [waitForHealth(baseURL, portal)];
    if (controlPlane) {
      const worker = startWorker({ NODE_ENV: "production", DATABASE_URL: databaseUrl, ...clusterEnv }, WORKER_LOG);
      stops.push(() => worker.stop());
      waits.push(waitForWorker(worker, WORKER_LOG));
    }
    await Promise.all(waits);

    const state: E2eState = {
      oidcIssuer: oidc.issuer,
      accounts,
      spareAccounts,
      cluster: controlPlane !== null,
      clusterMissing: found.missing,
      helmRepositoryUrl: controlPlane?.helmRepositoryUrl ?? null,
      portalEnv,
    };
    await writeFile(STATE_FILE, JSON.stringify(state, null, 2));

    // Each account signs in through next-auth's credentials endpoint, as the sign-in form does (the form itself
    // is driven in sign-in.spec.ts); the session cookie is kept for the specs.
    await Promise.all((Object.keys(accounts) as AccountName[]).map((name) => signIn(baseURL, accounts[name], storageStatePath(name))));
    console.log(`[e2e] ready after ${((performance.now() - started) / 1000).toFixed(1)} s (${controlPlane ? "with a cluster and Flux" : "without a cluster"})`);
  } catch (error) {
    await printWorkerLog();
    await stopAll(stops);
    throw error;
  }

  return () => stopAll(stops);
}
