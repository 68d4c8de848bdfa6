import { describe, expect, it } from "vitest";
import { decideLaunchDeadline } from "@/lib/domain/launch-deadline";
import { SYSTEM_IDENTITY, type Identity, type Role } from "@/lib/domain/identity";
import { audienceOf, classifyMessage, describeProblem, launchUnavailableMessage, LAUNCHING_UNAVAILABLE, type ProblemKind } from "@/lib/domain/problems";
import { toEngineError } from "@/lib/engine/kube/errors";
import { mapReleaseStatus } from "@/lib/engine/flux/status";
import { NO_CLUSTER_MESSAGE } from "@/lib/engine/select";

/**
 * Messages as the instance row holds them. The Flux ones were read from Flux's real source-controller and
 * helm-controller (scripts/cluster) through the engine's status mapping; the engine's own come from its
 * error mapping, fed the errors the Kubernetes client raises.
 */
const FLUX_SAMPLES: [string, string, ProblemKind][] = [
  [
    "an unreachable Helm repository (connection refused)",
    'Chart source: failed to fetch Helm repository index: failed to cache index to temporary file: Get "http://127.0.0.1:9/charts/index.yaml": dial tcp 127.0.0.1:9: connect: connection refused',
    "source-unreachable",
  ],
  [
    "a Helm repository whose name does not resolve",
    'Chart source: failed to fetch Helm repository index: failed to cache index to temporary file: Get "http://charts.example.invalid/charts/index.yaml": dial tcp: lookup charts.example.invalid on 10.255.255.53:53: no such host',
    "source-unreachable",
  ],
  [
    "a git repository whose name does not resolve",
    "Chart source: failed to checkout and determine revision: unable to clone 'https://git.example.invalid/charts.git': Get \"https://git.example.invalid/charts.git/info/refs?service=git-upload-pack\": dial tcp: lookup git.example.invalid on 10.255.255.53:53: no such host",
    "source-unreachable",
  ],
  [
    "an OCI registry whose name does not resolve",
    "HelmChart 's-ocidns-00000006/s-ocidns-00000006-ocidns-00000006' is not ready: chart pull error: failed to download chart for remote reference: failed to get 'oci://registry.example.invalid/charts/x:1.0.0': failed to perform \"FetchReference\" on source: Get \"https://registry.example.invalid/v2/charts/x/manifests/1.0.0\": dial tcp: lookup registry.example.invalid on 10.255.255.53:53: no such host",
    "source-unreachable",
  ],
  [
    "a Helm repository URL that answers 404",
    "Chart source: failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch http://127.0.0.1:37103/charts/index.yaml : 404 Not Found",
    "chart-not-found",
  ],
  [
    "a chart the repository does not have",
    "HelmChart 's-notfound-00000002/s-notfound-00000002-notfound-00000002' is not ready: invalid chart reference: failed to get chart version for remote reference: no chart name found",
    "chart-not-found",
  ],
  [
    "a chart version the repository does not have",
    "HelmChart 's-badversion-00000003/s-badversion-00000003-badversion-00000003' is not ready: invalid chart reference: failed to get chart version for remote reference: no 'envdeck-test' chart with version matching '9.9.9' found",
    "chart-not-found",
  ],
  [
    "a chart whose install fails",
    "Helm install failed for release s-broken-00000007/broken-00000007 with chart envdeck-broken@0.1.0: execution error at (envdeck-broken/templates/broken.yaml:1:3): envdeck-broken refuses to install (fixture)",
    "install-failed",
  ],
  ["retries exhausted", "Failed to install after 1 attempt(s)", "install-failed"],
];

/** Progress reports: nothing is wrong. */
const PROGRESS_SAMPLES = [
  "HelmChart 's-notfound-00000002/s-notfound-00000002-notfound-00000002' is not ready: latest generation of object has not been reconciled",
  "Running 'install' action with timeout of 5m0s",
  "Applied; waiting for Flux to install the chart",
  "Waiting for Flux to fetch the chart",
  "Creating the release",
];

const server = "https://k8s.example.edu:6443";
const apiError = (code: number, body: unknown) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body });
const ENGINE_SAMPLES: [string, string, ProblemKind][] = [
  ["an unreachable API server", toEngineError(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }), "apply Namespace x", server).message, "cluster-unreachable"],
  ["a failing API server", toEngineError(apiError(500, { message: "etcdserver: request timed out" }), "apply Namespace x", server).message, "cluster-unreachable"],
  ["expired credentials", toEngineError(apiError(401, { message: "Unauthorized" }), "list Namespace objects", server).message, "cluster-credentials"],
  [
    "RBAC that forbids the request",
    toEngineError(apiError(403, { message: 'helmreleases.helm.toolkit.fluxcd.io is forbidden: User "envdeck-restricted" cannot patch resource' }), "apply HelmRelease a/b", server).message,
    "forbidden",
  ],
  ["a cluster without Flux", toEngineError(apiError(404, "404 page not found"), "apply HelmRelease a/b", server).message, "flux-missing"],
  [
    "an object the cluster refuses",
    toEngineError(apiError(422, JSON.stringify({ message: 'HelmRepository "x" is invalid: spec.url: Invalid value: "ftp://charts.example.edu/"' })), "apply HelmRepository a/x", server).message,
    "rejected",
  ],
  ["no cluster configured", NO_CLUSTER_MESSAGE, "no-cluster"],
  ["an unusable kubeconfig", "Launching needs a Kubernetes cluster, and the configured one cannot be used: The kubeconfig /k cannot be read: bad", "no-cluster"],
];

const limits = { fetchTimeoutSeconds: 180, installTimeoutSeconds: 600 };
const t0 = new Date("2026-11-25T10:00:00Z");
/** The message a launch given up at `step` carries, with `report` as its last report. */
function gaveUp(step: string, report: string | null): string {
  const decision = decideLaunchDeadline({ phase: "Provisioning", step, stepStartedAt: t0, createdAt: t0, message: report }, limits, new Date(t0.getTime() + 3_600_000));
  if (decision.state !== "overdue") throw new Error("expected an overdue launch");
  return decision.message;
}

describe("classifyMessage", () => {
  it.each([...FLUX_SAMPLES, ...ENGINE_SAMPLES])("%s", (_, message, kind) => {
    expect(classifyMessage(message, "fetching")).toBe(kind);
  });

  it.each(PROGRESS_SAMPLES)("a progress report is no problem: %s", (message) => {
    expect(classifyMessage(message, "installing")).toBe("unknown");
  });

  it("classifies a launch given up over its limit by its last report, else by the step it was stuck at", () => {
    expect(classifyMessage(gaveUp("fetching", FLUX_SAMPLES[0]![1]), "fetching")).toBe("source-unreachable");
    expect(classifyMessage(gaveUp("fetching", FLUX_SAMPLES[5]![1]), "fetching")).toBe("chart-not-found");
    expect(classifyMessage(gaveUp("applying", ENGINE_SAMPLES[0]![1]), "applying")).toBe("cluster-unreachable");
    expect(classifyMessage(gaveUp("installing", "Running 'install' action with timeout of 5m0s"), "installing")).toBe("timed-out");
    expect(classifyMessage(gaveUp("fetching", "Waiting for Flux to fetch the chart"), "fetching")).toBe("source-unreachable");
    expect(classifyMessage(gaveUp("installing", null), "installing")).toBe("timed-out");
  });

  it("does not mistake our own words or hostile text for a known kind", () => {
    expect(classifyMessage(null, null)).toBe("unknown");
    expect(classifyMessage("", "fetching")).toBe("unknown");
    expect(classifyMessage("Claimed from the warm pool", null)).toBe("unknown");
    expect(classifyMessage(`${"(".repeat(5000)}x`, "installing")).toBe("unknown");
  });
});

describe("describeProblem", () => {
  const unreachable = FLUX_SAMPLES[0]![1];

  it("tells the owner of a failed launch, in plain words, that the chart could not be downloaded and that it is not their doing", () => {
    const problem = describeProblem({ phase: "Failed", step: "fetching", health: "failed", message: gaveUp("fetching", unreachable) });
    expect(problem).toEqual({
      kind: "source-unreachable",
      summary: "The environment's chart could not be downloaded. This is not something you did. Try again later, or tell your teacher if it keeps happening.",
      fix: expect.stringMatching(/chart URL/),
    });
  });

  it("never repeats the raw message in the owner's words", () => {
    for (const [, message] of [...FLUX_SAMPLES, ...ENGINE_SAMPLES]) {
      const problem = describeProblem({ phase: "Failed", step: "installing", health: "failed", message })!;
      expect(problem.summary).not.toMatch(/dial tcp|HelmChart|HelmRelease|KUBECONFIG|rbac|127\.0\.0\.1|Flux/);
      expect(problem.summary.length).toBeLessThan(200);
    }
  });

  it("says a launch under way is still trying when Flux or the engine reports trouble", () => {
    expect(describeProblem({ phase: "Provisioning", step: "fetching", health: "degraded", message: unreachable })).toMatchObject({
      kind: "source-unreachable",
      summary: "The environment's chart cannot be downloaded yet. Still trying.",
    });
    expect(describeProblem({ phase: "Pending", step: null, health: "degraded", message: ENGINE_SAMPLES[0]![1] })).toMatchObject({ kind: "cluster-unreachable" });
    expect(describeProblem({ phase: "Pending", step: null, health: "degraded", message: NO_CLUSTER_MESSAGE })?.summary).toMatch(/^Launching is unavailable right now/);
    expect(describeProblem({ phase: "Provisioning", step: "installing", health: "degraded", message: "something odd" })).toMatchObject({ kind: "unknown", summary: expect.stringMatching(/Still trying/) });
  });

  it("is silent while a launch merely progresses, and once it runs or ends", () => {
    for (const message of PROGRESS_SAMPLES) expect(describeProblem({ phase: "Provisioning", step: "installing", health: "progressing", message })).toBeNull();
    expect(describeProblem({ phase: "Ready", step: "ready", health: "healthy", message: "Helm install succeeded for release a/b.v1" })).toBeNull();
    expect(describeProblem({ phase: "Expiring", step: "ready", health: null, message: "Deleted by erin" })).toBeNull();
  });

  it("gives a failed instance a problem whatever its message, and the owner-facing no-cluster sentence", () => {
    expect(describeProblem({ phase: "Failed", step: null, health: "failed", message: null })).toMatchObject({ kind: "unknown", summary: expect.stringMatching(/^The environment could not be started\./) });
    expect(describeProblem({ phase: "Failed", step: null, health: "failed", message: gaveUp("applying", NO_CLUSTER_MESSAGE) })).toMatchObject({ kind: "no-cluster", summary: LAUNCHING_UNAVAILABLE });
  });

  it("reads a failure as the engine maps it from a real HelmRelease", () => {
    const status = mapReleaseStatus({
      metadata: { generation: 1 },
      status: { observedGeneration: 1, conditions: [{ type: "Ready", status: "False", reason: "InstallFailed", message: FLUX_SAMPLES[7]![1] }] },
    });
    expect(describeProblem({ phase: "Failed", step: "installing", health: status.health, message: status.message })?.kind).toBe("install-failed");
  });
});

describe("words by role", () => {
  const as = (roles: Role[]): Identity => ({ ...SYSTEM_IDENTITY, source: "local", roles });

  it("gives students what they can do and teachers and admins the cause and the fix", () => {
    expect(audienceOf(as(["student"]))).toBe("student");
    expect(audienceOf(null)).toBe("student");
    expect(audienceOf(as(["student", "teacher"]))).toBe("staff");
    expect(audienceOf(as(["student", "teacher", "admin"]))).toBe("staff");
    expect(launchUnavailableMessage(NO_CLUSTER_MESSAGE, "student")).toBe("Launching is unavailable right now. Try again later or ask your teacher.");
    expect(launchUnavailableMessage(NO_CLUSTER_MESSAGE, "staff")).toBe(NO_CLUSTER_MESSAGE);
  });
});
