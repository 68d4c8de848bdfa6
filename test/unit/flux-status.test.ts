import { describe, expect, it } from "vitest";
import { mapReleaseStatus, recordConditions, type Condition, type FluxObjectStatus } from "@/lib/engine/flux/status";

const release = (conditions: Condition[], generation = 1, observedGeneration = 1): FluxObjectStatus => ({
  metadata: { generation },
  status: { observedGeneration, conditions },
});

describe("mapReleaseStatus", () => {
  it("no HelmRelease yet: applying", () => {
    expect(mapReleaseStatus(undefined)).toMatchObject({ state: "progressing", step: "applying" });
  });

  it("no conditions yet: waiting for the chart", () => {
    expect(mapReleaseStatus(release([], 1, 0))).toMatchObject({ state: "progressing", step: "fetching", health: "progressing" });
  });

  it("Ready=True on the current generation: ready", () => {
    const status = mapReleaseStatus(release([{ type: "Ready", status: "True", reason: "InstallSucceeded", message: "Helm install succeeded for release a/b.v1" }]));
    expect(status).toEqual({ state: "ready", step: "ready", health: "healthy", message: "Helm install succeeded for release a/b.v1" });
  });

  it("Ready=True from an older generation is not trusted", () => {
    expect(mapReleaseStatus(release([{ type: "Ready", status: "True", reason: "UpgradeSucceeded" }], 2, 1)).state).toBe("progressing");
  });

  it("a failed install is Failed with Flux's message", () => {
    const status = mapReleaseStatus(
      release([
        { type: "Ready", status: "False", reason: "InstallFailed", message: "Helm install failed for release x: execution error at (broken/templates/broken.yaml:1:3): no" },
        { type: "Released", status: "False", reason: "InstallFailed" },
      ]),
    );
    expect(status).toMatchObject({ state: "failed", step: "failed", health: "failed" });
    expect(status.message).toContain("execution error at (broken/templates/broken.yaml:1:3)");
  });

  it("Stalled=True is Failed, retries exhausted or access denied", () => {
    expect(mapReleaseStatus(release([{ type: "Stalled", status: "True", reason: "RetriesExceeded", message: "Failed to install after 1 attempt(s)" }, { type: "Ready", status: "False", reason: "InstallFailed" }]))).toMatchObject({
      state: "failed",
      message: "Failed to install after 1 attempt(s)",
    });
  });

  it("a stalled source fails the instance, naming the source", () => {
    const source: FluxObjectStatus = { status: { conditions: [{ type: "Stalled", status: "True", reason: "URLInvalid", message: "invalid URL scheme" }] } };
    expect(mapReleaseStatus(release([{ type: "Ready", status: "False", reason: "SourceNotReady" }]), source)).toMatchObject({
      state: "failed",
      message: "Chart source: invalid URL scheme",
    });
  });

  it("a source that cannot be fetched yet is degraded but still progressing (Flux retries)", () => {
    const source: FluxObjectStatus = { status: { conditions: [{ type: "Ready", status: "False", reason: "FailedFetch", message: "failed to fetch index: connection refused" }] } };
    expect(mapReleaseStatus(release([{ type: "Ready", status: "False", reason: "SourceNotReady" }]), source)).toMatchObject({
      state: "progressing",
      step: "fetching",
      health: "degraded",
      message: "Chart source: failed to fetch index: connection refused",
    });
  });

  it("a repository that answers but lacks the chart is still fetching, not installing (as the real controllers report it)", () => {
    const repository: FluxObjectStatus = { status: { conditions: [{ type: "Ready", status: "True", reason: "Succeeded", message: "stored artifact: revision 'sha256:7449d56c'" }] } };
    const message =
      "HelmChart 's-badversion-00000003/s-badversion-00000003-badversion-00000003' is not ready: invalid chart reference: failed to get chart version for remote reference: no 'envdeck-test' chart with version matching '9.9.9' found";
    const status = mapReleaseStatus(
      release([
        { type: "Reconciling", status: "True", reason: "Progressing", message: "Fulfilling prerequisites" },
        { type: "Ready", status: "False", reason: "SourceNotReady", message },
      ]),
      repository,
    );
    expect(status).toMatchObject({ state: "progressing", step: "fetching", message });
  });

  it("transient reasons Flux retries by itself stay progressing", () => {
    expect(mapReleaseStatus(release([{ type: "Ready", status: "False", reason: "ArtifactFailed", message: "Source not ready: artifact not found" }]))).toMatchObject({
      state: "progressing",
      step: "fetching",
    });
    expect(mapReleaseStatus(release([{ type: "Ready", status: "Unknown", reason: "Progressing", message: "Running 'install' action" }, { type: "Released", status: "Unknown" }]))).toMatchObject({
      state: "progressing",
      step: "installing",
      message: "Running 'install' action",
    });
  });

  it("clips long messages to one line", () => {
    const status = mapReleaseStatus(release([{ type: "Ready", status: "False", reason: "InstallFailed", message: `line one\nline two ${"x".repeat(3000)}` }]));
    expect(status.message.startsWith("line one line two")).toBe(true);
    expect(status.message.length).toBeLessThanOrEqual(1000);
  });
});

describe("recordConditions", () => {
  it("keeps each object's conditions as Flux wrote them, naming the object, in the order given", () => {
    const helmRelease = release([
      { type: "Ready", status: "False", reason: "SourceNotReady", message: "HelmChart 'ns/x' is not ready", lastTransitionTime: "2026-12-01T10:00:00Z" },
      { type: "Reconciling", status: "True", reason: "Progressing" },
    ]);
    const source = release([{ type: "Ready", status: "False", reason: "IndexationFailed", message: "failed to fetch Helm repository index: dial tcp 127.0.0.1:9: connect: connection refused", lastTransitionTime: "2026-12-01T10:00:03Z" }]);
    expect(recordConditions([{ kind: "HelmRelease", object: helmRelease }, { kind: "HelmRepository", object: source }])).toEqual([
      { object: "HelmRelease", type: "Ready", status: "False", reason: "SourceNotReady", message: "HelmChart 'ns/x' is not ready", at: "2026-12-01T10:00:00Z" },
      { object: "HelmRelease", type: "Reconciling", status: "True", reason: "Progressing", message: null, at: null },
      {
        object: "HelmRepository",
        type: "Ready",
        status: "False",
        reason: "IndexationFailed",
        message: "failed to fetch Helm repository index: dial tcp 127.0.0.1:9: connect: connection refused",
        at: "2026-12-01T10:00:03Z",
      },
    ]);
  });

  it("records nothing for objects not read or without conditions, and skips what is not a condition", () => {
    expect(recordConditions([{ kind: "HelmRelease", object: undefined }])).toEqual([]);
    expect(recordConditions([{ kind: "HelmRelease", object: { status: {} } }])).toEqual([]);
    const odd = { status: { conditions: [null, "Ready", { status: "True" }, { type: "Ready", status: "True" }] } } as unknown as FluxObjectStatus;
    expect(recordConditions([{ kind: "HelmRelease", object: odd }])).toEqual([{ object: "HelmRelease", type: "Ready", status: "True", reason: null, message: null, at: null }]);
  });

  it("cuts what a row cannot hold: messages to one line of at most 1000 characters, and at most 12 conditions an object", () => {
    const many = release(Array.from({ length: 20 }, (_, i) => ({ type: `T${i}`, status: "True", message: `first\nsecond ${"y".repeat(5000)}` })));
    const recorded = recordConditions([{ kind: "HelmRelease", object: many }]);
    expect(recorded).toHaveLength(12);
    expect(recorded.every((c) => c.message!.startsWith("first second") && c.message!.length <= 1000)).toBe(true);
  });
});
