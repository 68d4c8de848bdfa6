/**
 * A real Kubernetes control plane on loopback, for tests and local demos: etcd, kube-apiserver and
 * kube-controller-manager built from Go modules (scripts/cluster/build.sh), certificates generated with
 * openssl, the Flux CRDs installed, and, when built, Flux's source-controller and helm-controller with a
 * local Helm repository serving the fixture charts under test/fixtures/charts. No containers run: there is
 * no kubelet, so the test charts create objects that need no pods (ConfigMaps, Services), and the demo's
 * hello chart, whose Deployment never gets a running pod, is installed with Flux told not to wait for it.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { request } from "node:https";
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { freePort } from "../free-port";

const run = promisify(execFile);
const here = import.meta.dirname;
const repoRoot = path.resolve(here, "../..");

export interface Versions {
  KUBERNETES_VERSION: string;
  ETCD_VERSION: string;
  SOURCE_CONTROLLER_VERSION: string;
  HELM_CONTROLLER_VERSION: string;
}

export function readVersions(): Versions {
  const text = readFileSync(path.join(here, "versions.sh"), "utf8");
  return Object.fromEntries([...text.matchAll(/^([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]])) as unknown as Versions;
}

export function cacheDir(): string {
  return process.env.ENVDECK_CACHE_DIR ?? path.join(os.homedir(), ".cache", "envdeck");
}

export interface Binaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  crdDir: string;
  flux: { sourceController: string; helmController: string } | null;
}

/**
 * The built binaries, or null when the core (etcd, kube-apiserver, kube-controller-manager, Flux CRDs) is
 * missing. Flux's controllers are optional: without them tests act as Flux themselves.
 */
export function findBinaries(): Binaries | null {
  const v = readVersions();
  const cache = cacheDir();
  const k8s = path.join(cache, "k8s", v.KUBERNETES_VERSION);
  const etcd = path.join(cache, "etcd", v.ETCD_VERSION);
  const crds = path.join(cache, "flux", `crds-${v.SOURCE_CONTROLLER_VERSION}-${v.HELM_CONTROLLER_VERSION}`);
  const source = path.join(cache, "flux", `source-controller-${v.SOURCE_CONTROLLER_VERSION}`);
  const helm = path.join(cache, "flux", `helm-controller-${v.HELM_CONTROLLER_VERSION}`);
  const complete = (dir: string) => existsSync(path.join(dir, ".complete"));
  if (!complete(k8s) || !complete(etcd) || !complete(crds)) return null;
  return {
    etcd: path.join(etcd, "etcd"),
    kubeApiserver: path.join(k8s, "kube-apiserver"),
    kubeControllerManager: path.join(k8s, "kube-controller-manager"),
    crdDir: crds,
    flux:
      complete(source) && complete(helm)
        ? { sourceController: path.join(source, "source-controller"), helmController: path.join(helm, "helm-controller") }
        : null,
  };
}

/** Builds whatever is missing (minutes on a new machine, nothing afterwards). */
export async function buildBinaries(log: (line: string) => void): Promise<Binaries> {
  log("building the control plane from Go modules (once per machine; see scripts/cluster/build.sh)");
  await new Promise<void>((resolve, reject) => {
    const child = spawn("bash", [path.join(here, "build.sh"), "all"], { stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`scripts/cluster/build.sh failed with exit code ${code}`))));
    child.on("error", reject);
  });
  const binaries = findBinaries();
  if (!binaries) throw new Error("scripts/cluster/build.sh finished but the binaries are missing");
  return binaries;
}

/** Something this machine lacks to run the control plane; its message says what to install. */
export class ControlPlaneUnavailableError extends Error {}

/** Whether the Go tool is on PATH: the control plane is built from Go modules. */
export function hasGo(): boolean {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The built binaries, building what is missing first (needs Go). With `flux`, Flux's controllers count as
 * missing too. Without Go, throws one sentence saying what to install.
 */
export async function ensureBinaries(log: (line: string) => void, options: { flux: boolean }): Promise<Binaries> {
  const found = findBinaries();
  if (found && (found.flux || !options.flux)) return found;
  if (!hasGo()) {
    throw new ControlPlaneUnavailableError(
      `the local Kubernetes control plane${found ? "'s Flux controllers are" : " is"} not built, and building ${found ? "them" : "it"} needs Go 1.26 or newer: install Go (https://go.dev/dl/) and run this again (the first build takes about ten minutes)`,
    );
  }
  return buildBinaries(log);
}

/** Tokens of the static token file: a restricted user RBAC forbids everything, for bad-input tests. */
export interface Tokens {
  admin: string;
  restricted: string;
}

export interface ControlPlane {
  dir: string;
  server: string;
  kubeconfigPath: string;
  /** The same cluster as seen by a user with no RBAC permissions. */
  restrictedKubeconfigPath: string;
  /** The same cluster with a token it does not accept (like expired credentials). */
  invalidKubeconfigPath: string;
  /** True when Flux's controllers run (HelmReleases really install); false when tests must act as Flux. */
  flux: boolean;
  helmRepositoryUrl: string | null;
  /** What that repository serves (empty without Flux). */
  charts: ServedChart[];
  stopApiServer(): Promise<void>;
  startApiServer(): Promise<void>;
  /**
   * A second API server on the same etcd under another prefix: an empty cluster without the Flux CRDs, for
   * the "Flux is not installed" case. Returns its admin kubeconfig.
   */
  startBareApiServer(): Promise<string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  dir: string;
  binaries: Binaries;
  /** Run Flux's controllers (default true). */
  withFlux?: boolean;
  /**
   * Port of the local Helm repository, so templates pointed at it keep working across restarts; any free port
   * when it is taken. Default: any free port.
   */
  helmRepositoryPort?: number;
  log?: (line: string) => void;
}

class Process {
  child: ChildProcess | null = null;
  private output: string[] = [];
  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: Record<string, string> = {},
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  start() {
    this.output = [];
    const child = spawn(this.command, this.args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...this.env } });
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.splice(0, 100);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("exit", (code, signal) => {
      if (this.child === child) this.log(`${this.name} exited unexpectedly (${signal ?? `code ${code}`}):\n${this.tail()}`);
    });
    this.child = child;
  }

  tail(): string {
    return this.output.join("").split("\n").slice(-25).join("\n");
  }

  async stop() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

async function openssl(args: string[], cwd: string) {
  await run("openssl", args, { cwd });
}

/** A CA, the API server's serving certificate, the service-account key pair and an admin client certificate. */
async function generatePki(dir: string) {
  await mkdir(dir, { recursive: true });
  const days = "3650";
  await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", days, "-subj", "/CN=envdeck-test-ca"], dir);
  await writeFile(
    path.join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver"], dir);
  await openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", days, "-extfile", "server.ext"], dir);
  await writeFile(path.join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "admin.key", "-out", "admin.csr", "-subj", "/O=system:masters/CN=envdeck-admin"], dir);
  await openssl(["x509", "-req", "-in", "admin.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "admin.crt", "-days", days, "-extfile", "client.ext"], dir);
  await openssl(["genrsa", "-out", "sa.key", "2048"], dir);
  await openssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
}

function kubeconfigYaml(server: string, pki: string, user: { token?: string; cert?: boolean }): string {
  const b64 = (file: string) => readFileSync(path.join(pki, file)).toString("base64");
  const credentials = user.cert
    ? `    client-certificate-data: ${b64("admin.crt")}\n    client-key-data: ${b64("admin.key")}`
    : `    token: ${user.token}`;
  return `apiVersion: v1
kind: Config
clusters:
- name: envdeck-local
  cluster:
    server: ${server}
    certificate-authority-data: ${b64("ca.crt")}
users:
- name: envdeck-local
  user:
${credentials}
contexts:
- name: envdeck-local
  context: {cluster: envdeck-local, user: envdeck-local}
current-context: envdeck-local
`;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, diagnostics: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s:\n${diagnostics()}`);
}

/** A chart the local Helm repository serves, as a template's chart source names it. */
export interface ServedChart {
  name: string;
  version: string;
  description: string;
}

/** Listens on `port` on loopback, or on any free port when it is taken (or not given); returns the port. */
async function listenOnLoopback(server: Server, port: number | undefined): Promise<number> {
  const attempt = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  if (port === undefined) return attempt(0);
  try {
    return await attempt(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return attempt(0);
  }
}

/** Builds `<chart>-<version>.tgz` archives and an index.yaml from test/fixtures/charts, served over HTTP. */
async function startHelmRepository(dir: string, preferredPort?: number): Promise<{ url: string; server: Server; charts: ServedChart[] }> {
  const chartsDir = path.join(repoRoot, "test", "fixtures", "charts");
  await mkdir(dir, { recursive: true });
  const server = createServer(async (req, res) => {
    const file = path.join(dir, path.basename(new URL(req.url ?? "/", "http://127.0.0.1").pathname));
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": file.endsWith(".yaml") ? "application/yaml" : "application/gzip" }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  // The index names each archive by its full URL, so the port is settled before the index is written.
  const url = `http://127.0.0.1:${await listenOnLoopback(server, preferredPort)}`;
  try {
    const entries: Record<string, unknown[]> = {};
    const charts: ServedChart[] = [];
    for (const name of (await readdir(chartsDir)).sort()) {
      const chartYaml = await readFile(path.join(chartsDir, name, "Chart.yaml"), "utf8");
      const version = /^version:\s*(\S+)/m.exec(chartYaml)?.[1];
      if (!version) throw new Error(`${name}/Chart.yaml has no version`);
      const archive = `${name}-${version}.tgz`;
      await run("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-czf", path.join(dir, archive), "-C", chartsDir, name]);
      const digest = createHash("sha256").update(await readFile(path.join(dir, archive))).digest("hex");
      entries[name] = [{ apiVersion: "v2", name, version, urls: [`${url}/${archive}`], digest, created: "2026-01-01T00:00:00Z" }];
      charts.push({ name, version, description: /^description:\s*(.+)$/m.exec(chartYaml)?.[1]?.trim() ?? "" });
    }
    await writeFile(path.join(dir, "index.yaml"), JSON.stringify({ apiVersion: "v1", entries, generated: "2026-01-01T00:00:00Z" }));
    return { url, server, charts };
  } catch (error) {
    server.close();
    throw error;
  }
}

/**
 * One raw request to the API server with the kubeconfig's credentials, for what the typed client cannot do:
 * CRDs (it would serialise them through its model and drop wire-named fields such as
 * x-kubernetes-preserve-unknown-fields) and status subresources.
 */
export async function kubeRequest(kc: KubeConfig, method: string, apiPath: string, body: unknown, contentType = "application/json"): Promise<unknown> {
  const cluster = kc.getCurrentCluster()!;
  const url = new URL(apiPath, cluster.server);
  const options: import("node:https").RequestOptions = { method, headers: { "content-type": contentType } };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () =>
        res.statusCode && res.statusCode < 300 ? resolve(text ? JSON.parse(text) : null) : reject(new Error(`${method} ${apiPath}: HTTP ${res.statusCode}: ${text}`)),
      );
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * Writes the status helm-controller would write on a HelmRelease: Ready after a successful install, or an
 * install failure that Flux gave up on. For tests and benchmarks that run without Flux's controllers (or must
 * control the moment a release turns Ready).
 */
export async function writeHelmReleaseStatus(kc: KubeConfig, namespace: string, name: string, outcome: { ready: true } | { failed: string }): Promise<void> {
  const base = `/apis/helm.toolkit.fluxcd.io/v2/namespaces/${namespace}/helmreleases/${name}`;
  const current = (await kubeRequest(kc, "GET", base, undefined)) as { metadata: { generation: number } };
  const now = new Date().toISOString();
  const conditions =
    "ready" in outcome
      ? [
          { type: "Ready", status: "True", reason: "InstallSucceeded", message: `Helm install succeeded for release ${namespace}/${name}.v1`, lastTransitionTime: now },
          { type: "Released", status: "True", reason: "InstallSucceeded", message: "Helm install succeeded", lastTransitionTime: now },
        ]
      : [
          { type: "Ready", status: "False", reason: "InstallFailed", message: outcome.failed, lastTransitionTime: now },
          { type: "Stalled", status: "True", reason: "RetriesExceeded", message: outcome.failed, lastTransitionTime: now },
        ];
  await kubeRequest(kc, "PATCH", `${base}/status`, { status: { observedGeneration: current.metadata.generation, conditions } }, "application/merge-patch+json");
}

async function applyCrds(kc: KubeConfig, crdDir: string): Promise<string[]> {
  const names: string[] = [];
  for (const file of (await readdir(crdDir)).filter((f) => f.endsWith(".yaml")).sort()) {
    for (const doc of parseAllDocuments(await readFile(path.join(crdDir, file), "utf8"))) {
      const crd = doc.toJS() as KubernetesObject | null;
      if (!crd?.kind || !crd.metadata?.name) continue;
      await kubeRequest(kc, "PATCH", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}?fieldManager=envdeck-cluster&force=true`, crd, "application/apply-patch+yaml");
      names.push(crd.metadata.name);
    }
  }
  return names;
}

export async function startControlPlane(options: StartOptions): Promise<ControlPlane> {
  const log = options.log ?? (() => undefined);
  // Ctrl-C in a terminal reaches every component at once, before stop() is done with them: from the moment
  // the control plane is being stopped, a component that exits is not news.
  let stopping = false;
  const componentLog = (line: string) => {
    if (!stopping) log(line);
  };
  const { binaries, dir } = options;
  const started = performance.now();
  await run("openssl", ["version"]).catch(() => {
    throw new ControlPlaneUnavailableError("the local control plane needs openssl for its certificates: install it (apt-get install openssl) and run this again");
  });
  await rm(dir, { recursive: true, force: true });
  const pki = path.join(dir, "pki");
  await generatePki(pki);
  const tokens: Tokens = { admin: randomBytes(16).toString("hex"), restricted: randomBytes(16).toString("hex") };
  await writeFile(path.join(pki, "tokens.csv"), `${tokens.admin},envdeck-admin-token,1,"system:masters"\n${tokens.restricted},envdeck-restricted,2\n`);

  const [etcdPort, etcdPeerPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const server = `https://127.0.0.1:${apiPort}`;
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const processes: Process[] = [];
  const etcd = new Process("etcd", binaries.etcd, [
    `--data-dir=${path.join(dir, "etcd")}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
    `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
    "--name=default",
    "--log-level=error",
    // Test data need not survive a power cut; fsync on every write would dominate the run time.
    "--unsafe-no-fsync",
  ], {}, componentLog);
  const apiServerArgs = (port: number, etcdPrefix: string) => [
    `--etcd-servers=${etcdUrl}`,
    `--etcd-prefix=${etcdPrefix}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${port}`,
    `--cert-dir=${path.join(dir, "apiserver")}`,
    `--tls-cert-file=${path.join(pki, "server.crt")}`,
    `--tls-private-key-file=${path.join(pki, "server.key")}`,
    `--client-ca-file=${path.join(pki, "ca.crt")}`,
    `--token-auth-file=${path.join(pki, "tokens.csv")}`,
    "--service-account-issuer=https://kubernetes.default.svc",
    `--service-account-key-file=${path.join(pki, "sa.pub")}`,
    `--service-account-signing-key-file=${path.join(pki, "sa.key")}`,
    "--service-cluster-ip-range=10.96.0.0/16",
    "--authorization-mode=RBAC",
    "--enable-priority-and-fairness=false",
    "--v=0",
  ];
  const apiServer = new Process("kube-apiserver", binaries.kubeApiserver, apiServerArgs(apiPort, "/registry"), {}, componentLog);
  const admin = kubeconfigYaml(server, pki, { cert: true });
  const kubeconfigPath = path.join(dir, "kubeconfig");
  await writeFile(kubeconfigPath, admin, { mode: 0o600 });
  const restrictedKubeconfigPath = path.join(dir, "kubeconfig-restricted");
  await writeFile(restrictedKubeconfigPath, kubeconfigYaml(server, pki, { token: tokens.restricted }), { mode: 0o600 });
  const invalidKubeconfigPath = path.join(dir, "kubeconfig-invalid");
  await writeFile(invalidKubeconfigPath, kubeconfigYaml(server, pki, { token: randomBytes(16).toString("hex") }), { mode: 0o600 });

  const kc = new KubeConfig();
  kc.loadFromString(admin);
  // Node's fetch does not trust our CA; the kubeconfig-aware client does.
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const apiReady = async () => {
    try {
      await objects.list("v1", "Namespace");
      return true;
    } catch {
      return false;
    }
  };

  const stopAll = async () => {
    for (const p of [...processes].reverse()) await p.stop();
  };
  try {
    etcd.start();
    processes.push(etcd);
    await waitFor("etcd", async () => (await fetch(`${etcdUrl}/health`)).ok, 30_000, () => etcd.tail());
    apiServer.start();
    processes.push(apiServer);
    await waitFor("kube-apiserver", apiReady, 90_000, () => apiServer.tail());
    log(`kube-apiserver ready at ${server} after ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const kcmKubeconfig = path.join(dir, "kubeconfig-controller-manager");
    await writeFile(kcmKubeconfig, admin, { mode: 0o600 });
    const controllerManager = new Process("kube-controller-manager", binaries.kubeControllerManager, [
      `--kubeconfig=${kcmKubeconfig}`,
      `--authentication-kubeconfig=${kcmKubeconfig}`,
      `--authorization-kubeconfig=${kcmKubeconfig}`,
      `--service-account-private-key-file=${path.join(pki, "sa.key")}`,
      `--root-ca-file=${path.join(pki, "ca.crt")}`,
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      `--secure-port=${await freePort()}`,
      "--controllers=*,-nodeipam,-nodelifecycle,-service-lb-controller,-cloud-node-lifecycle-controller",
      "--v=0",
    ], {}, componentLog);
    controllerManager.start();
    processes.push(controllerManager);

    const crds = await applyCrds(kc, binaries.crdDir);
    await waitFor(
      "the Flux CRDs",
      async () => {
        for (const name of crds) {
          const crd = (await objects.read({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name } })) as {
            status?: { conditions?: { type: string; status: string }[] };
          };
          if (!crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) return false;
        }
        return true;
      },
      30_000,
      () => crds.join(", "),
    );
    log(`Flux CRDs installed (${crds.length}) after ${((performance.now() - started) / 1000).toFixed(1)} s`);

    let helmRepository: { url: string; server: Server; charts: ServedChart[] } | null = null;
    const withFlux = (options.withFlux ?? true) && binaries.flux !== null;
    if (withFlux && binaries.flux) {
      helmRepository = await startHelmRepository(path.join(dir, "helm-repository"), options.helmRepositoryPort);
      await objects.patch({ apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system" } }, undefined, undefined, "envdeck-cluster", true, PatchStrategy.ServerSideApply);
      const storagePort = await freePort();
      await mkdir(path.join(dir, "flux-storage"), { recursive: true });
      const fluxEnv = { RUNTIME_NAMESPACE: "flux-system", KUBECONFIG: kubeconfigPath };
      const common = ["--enable-leader-election=false", "--log-level=info", "--log-encoding=console", "--events-addr=", "--watch-all-namespaces=true"];
      const sourceController = new Process(
        "source-controller",
        binaries.flux.sourceController,
        [
          ...common,
          `--storage-path=${path.join(dir, "flux-storage")}`,
          `--storage-addr=127.0.0.1:${storagePort}`,
          `--storage-adv-addr=127.0.0.1:${storagePort}`,
          `--metrics-addr=127.0.0.1:${await freePort()}`,
          `--health-addr=127.0.0.1:${await freePort()}`,
        ],
        fluxEnv,
        componentLog,
      );
      const helmController = new Process(
        "helm-controller",
        binaries.flux.helmController,
        [...common, `--metrics-addr=127.0.0.1:${await freePort()}`, `--health-addr=127.0.0.1:${await freePort()}`],
        fluxEnv,
        componentLog,
      );
      sourceController.start();
      helmController.start();
      processes.push(sourceController, helmController);
      log(`Flux source-controller and helm-controller started; Helm repository at ${helmRepository.url}`);
    }

    log(`control plane ready after ${((performance.now() - started) / 1000).toFixed(1)} s; KUBECONFIG=${kubeconfigPath}`);
    return {
      dir,
      server,
      kubeconfigPath,
      restrictedKubeconfigPath,
      invalidKubeconfigPath,
      flux: withFlux,
      helmRepositoryUrl: helmRepository?.url ?? null,
      charts: helmRepository?.charts ?? [],
      stopApiServer: () => apiServer.stop(),
      startApiServer: async () => {
        apiServer.start();
        await waitFor("kube-apiserver", apiReady, 90_000, () => apiServer.tail());
      },
      startBareApiServer: async () => {
        const port = await freePort();
        const bare = new Process("kube-apiserver (bare)", binaries.kubeApiserver, apiServerArgs(port, "/bare"), {}, componentLog);
        bare.start();
        processes.push(bare);
        const bareServer = `https://127.0.0.1:${port}`;
        const file = path.join(dir, "kubeconfig-bare");
        await writeFile(file, kubeconfigYaml(bareServer, pki, { cert: true }), { mode: 0o600 });
        const bareConfig = new KubeConfig();
        bareConfig.loadFromFile(file);
        const bareObjects = KubernetesObjectApi.makeApiClient(bareConfig);
        await waitFor("the bare kube-apiserver", async () => (await bareObjects.list("v1", "Namespace"), true), 90_000, () => bare.tail());
        return file;
      },
      stop: async () => {
        stopping = true;
        helmRepository?.server.close();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
