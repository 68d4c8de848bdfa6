import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideLaunchDeadline, GAVE_UP_PREFIX, type DeadlineInput } from "@/lib/domain/launch-deadline";
import { PHASES } from "@/lib/domain/phase";
import { DEFAULT_LAUNCH_SETTINGS } from "@/lib/domain/settings";

const limits = { fetchTimeoutSeconds: 180, installTimeoutSeconds: 600 };
const t0 = new Date("2026-11-25T10:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const refused =
  'Chart source: failed to fetch Helm repository index: failed to cache index to temporary file: Get "http://127.0.0.1:9/charts/index.yaml": dial tcp 127.0.0.1:9: connect: connection refused';

const instance = (fields: Partial<DeadlineInput>): DeadlineInput => ({
  phase: "Provisioning",
  step: "fetching",
  stepStartedAt: t0,
  createdAt: at(-30),
  message: refused,
  ...fields,
});

describe("decideLaunchDeadline", () => {
  it("defaults to a longer limit for installing than for fetching", () => {
    expect(DEFAULT_LAUNCH_SETTINGS).toEqual({ fetchTimeoutSeconds: 180, installTimeoutSeconds: 600 });
  });

  it("gives a fetching launch the fetch limit from when fetching began", () => {
    expect(decideLaunchDeadline(instance({}), limits, at(179))).toEqual({ state: "waiting", remainingMs: 1000 });
    const overdue = decideLaunchDeadline(instance({}), limits, at(180));
    expect(overdue).toMatchObject({ state: "overdue", step: "fetching", limitSeconds: 180 });
    expect(overdue.state === "overdue" && overdue.message).toBe(
      `Gave up after 3 min without progress fetching the chart (the limit is the setting launch.fetchTimeoutSeconds). Last report: ${refused}`,
    );
  });

  it("gives applying and installing the install limit", () => {
    for (const step of ["applying", "installing", "ready"]) {
      expect(decideLaunchDeadline(instance({ step }), limits, at(599))).toMatchObject({ state: "waiting" });
      const overdue = decideLaunchDeadline(instance({ step, message: "Running 'install' action with timeout of 5m0s" }), limits, at(600));
      expect(overdue).toMatchObject({ state: "overdue", limitSeconds: 600 });
      expect(overdue.state === "overdue" && overdue.message).toMatch(/^Gave up after 10 min without progress .*launch\.installTimeoutSeconds\)\. Last report: Running 'install' action/);
    }
  });

  it("bounds a Pending launch (never applied) by the install limit from its creation", () => {
    const pending = instance({ phase: "Pending", step: null, stepStartedAt: null, createdAt: t0, message: "Cannot reach the Kubernetes API server at https://k8s.example.edu (ECONNREFUSED) while trying to apply Namespace x" });
    expect(decideLaunchDeadline(pending, limits, at(599))).toMatchObject({ state: "waiting", remainingMs: 1000 });
    const overdue = decideLaunchDeadline(pending, limits, at(600));
    expect(overdue.state === "overdue" && overdue.message).toMatch(/without progress applying the release to the cluster .*Last report: Cannot reach the Kubernetes API server/);
  });

  it("counts from the creation when the step has no start recorded", () => {
    expect(decideLaunchDeadline(instance({ stepStartedAt: null, createdAt: at(-200) }), limits, t0)).toMatchObject({ state: "overdue" });
  });

  it("restarts the clock with every new step: progress in time is never failed", () => {
    fc.assert(
      fc.property(fc.constantFrom("applying", "fetching", "installing"), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 599 }), (step, startedAfter, elapsed) => {
        const limit = step === "fetching" ? limits.fetchTimeoutSeconds : limits.installTimeoutSeconds;
        const started = at(startedAfter);
        const decision = decideLaunchDeadline(instance({ step, stepStartedAt: started, createdAt: t0 }), limits, at(startedAfter + elapsed));
        expect(decision.state).toBe(elapsed < limit ? "waiting" : "overdue");
      }),
    );
  });

  it("leaves running, failed and ending instances alone", () => {
    for (const phase of PHASES.filter((p) => p !== "Pending" && p !== "Provisioning")) {
      expect(decideLaunchDeadline(instance({ phase, stepStartedAt: at(-100_000) }), limits, t0), phase).toEqual({ state: "unbounded" });
    }
  });

  it("says it gave up without a last report when there is none, and keeps a long one within a row's 4000 characters", () => {
    const bare = decideLaunchDeadline(instance({ message: null }), limits, at(200));
    expect(bare.state === "overdue" && bare.message).toBe("Gave up after 3 min without progress fetching the chart (the limit is the setting launch.fetchTimeoutSeconds).");
    const long = decideLaunchDeadline(instance({ message: "x".repeat(5000) }), limits, at(200));
    expect(long.state === "overdue" && long.message.length).toBe(4000);
    expect(long.state === "overdue" && long.message.startsWith(GAVE_UP_PREFIX)).toBe(true);
  });
});
