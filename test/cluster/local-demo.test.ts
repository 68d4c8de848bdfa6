import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configWith, parseConfig } from "@/lib/config";
import { closeDb, createPrismaClient, db, setDb, type PrismaClient } from "@/lib/db/client";
import { readSettings } from "@/lib/db/settings";
import { releaseName } from "@/lib/domain/naming";
import { verifyLocalCredentials } from "@/lib/services/accounts/internal/sign-in";
import { launchInstance } from "@/lib/services/instances/launch";
import { pointDemoAtLocalCluster } from "@/lib/services/system/local-cluster-demo";
import type { ControlPlane } from "@/scripts/cluster/control-plane";
import { demoVariables } from "@/scripts/commands";
import { prepareDemoPortal, startDemoCluster } from "@/scripts/local-demo";
import type { PreparedPortal } from "@/scripts/portal";
import { freePort } from "@/scripts/free-port";
import { cluster, kubeClient, startTestWorker, waitFor, type TestWorker } from "@/test/support/cluster";

/**
 * `npm run demo` as far as a launch: its own control plane with Flux and the local Helm repository, its own
 * embedded database prepared by the demo's code (accounts, hello templates, Flux told not to wait), the
 * worker on that cluster, and a student launching through the real launch service. Only the web server is
 * left out (the end-to-end suite drives one). Needs the real Flux controllers: nothing else installs charts.
 */
const describeWithFlux = cluster?.flux ? describe : describe.skip;

describeWithFlux("npm run demo on its own control plane with the real Flux controllers", () => {
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  let dataDir: string;
  let controlPlane: ControlPlane | undefined;
  let prepared: PreparedPortal | undefined;
  let client: PrismaClient | undefined;
  let worker: TestWorker | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "envdeck-demo-"));
    // The embedded PostgreSQL runs as its own OS user when started as root: it must reach the directory.
    await chmod(dataDir, 0o755);
    // A free port for its PostgreSQL too: the default one may be a demo of the developer's own.
    const userConfig = parseConfig({ ENVDECK_DATA_DIR: dataDir, ENVDECK_EMBEDDED_PG_PORT: String(await freePort()) });
    // Any free port for the Helm repository: a demo of the developer's own may be holding the usual one.
    controlPlane = await startDemoCluster(userConfig, log, 0);
    const variables = demoVariables(userConfig, controlPlane.kubeconfigPath);
    // What the demo's web server and worker get: the launch service reads it here (before its first use).
    Object.assign(process.env, variables);
    prepared = await prepareDemoPortal(configWith(variables), controlPlane.helmRepositoryUrl!, log);
    client = createPrismaClient(prepared.databaseUrl, 5);
    setDb(client);
    worker = await startTestWorker(prepared.databaseUrl, { kubeconfigPath: controlPlane.kubeconfigPath });
  });

  afterAll(async () => {
    await worker?.stop();
    if (client) await closeDb(client);
    await prepared?.embedded?.stop();
    await controlPlane?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  afterEach(({ task }) => {
    if (task.result?.state === "fail") console.log(`demo log:\n${logs.join("\n")}\nworker log:\n${worker?.logs.join("\n")}`);
  });

  async function signInAsStudent() {
    const file = await readFile(path.join(dataDir, "demo", "demo-accounts.txt"), "utf8");
    const password = /^student\s+student\s+(\S+)$/m.exec(file)![1]!;
    const student = await verifyLocalCredentials({ username: "student", password });
    expect(student).not.toBeNull();
    return student!;
  }

  it("seeds the hello templates from its local repository and tells Flux not to wait for pods that cannot run", async () => {
    expect(logs).toContain("Flux no longer waits for workloads to be ready (this control plane runs no pods)");
    expect(logs).toContain("2 of 2 templates valid");
    expect((await readSettings()).flux.wait).toBe(false);
    const templates = await db().template.findMany({ include: { versions: true }, orderBy: { name: "asc" } });
    expect(templates.map((t) => [t.name, t.versions.length])).toEqual([
      ["hello", 1],
      ["hello-warm", 1],
    ]);
  });

  it("a student launches Hello page through the launch service: Flux installs the chart and the environment turns Ready", async () => {
    const student = await signInAsStudent();
    const { outcome, environment } = await launchInstance(student, { template: "hello", params: { greeting: "Hello, <demo>" } });
    expect(outcome).toBe("created");
    const ready = await waitFor("the environment to turn Ready", async () => {
      const row = await db().instance.findUniqueOrThrow({ where: { uuid: environment.uuid } });
      return row.phase === "Ready" && row;
    });
    expect(ready.message).toMatch(/^Helm install succeeded for release student-hello-/);
    // The chart's objects are really there; its pod never runs, since this control plane has no kubelet.
    const kube = kubeClient(controlPlane!.kubeconfigPath);
    const name = releaseName("hello", environment.uuid);
    const namespace = ready.namespace!;
    const page = await kube.get({ apiVersion: "v1", kind: "ConfigMap", name: `${name}-page`, namespace });
    expect((page as { data: Record<string, string> }).data["index.html"]).toContain("<h1>Hello, &lt;demo&gt;</h1>");
    const deployment = await kube.get({ apiVersion: "apps/v1", kind: "Deployment", name, namespace });
    expect(deployment, "the chart's Deployment").toBeDefined();
    expect(deployment?.status).not.toHaveProperty("readyReplicas");
    const ingress = await kube.get({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", name, namespace });
    expect(ingress?.spec).toMatchObject({ rules: [{ host: `hello-${environment.uuid}.envdeck.localhost` }] });
  });

  it("the warm pool fills from the same repository, and a launch claims its member", async () => {
    const member = await waitFor(
      "a warm member of hello-warm",
      () => db().instance.findFirst({ where: { template: { name: "hello-warm" }, phase: "Available", ownerKey: null } }),
      90_000,
    );
    const { outcome, environment } = await launchInstance(await signInAsStudent(), { template: "hello-warm" });
    expect(outcome).toBe("claimed");
    expect(environment.uuid).toBe(member.uuid);
  });

  it("a later start changes nothing; a repository that moved gets a new version of each template pointing at it", async () => {
    const url = controlPlane!.helmRepositoryUrl!;
    expect(await pointDemoAtLocalCluster(url)).toEqual([]);
    const moved = "http://127.0.0.1:9/";
    expect(await pointDemoAtLocalCluster(moved)).toEqual([`template hello points at ${moved} (version 2)`, `template hello-warm points at ${moved} (version 2)`]);
    expect(await pointDemoAtLocalCluster(url)).toEqual([`template hello points at ${url} (version 3)`, `template hello-warm points at ${url} (version 3)`]);
  });
});
