import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PHASES, type Phase } from "@/lib/domain/phase";
import { describeEstimate, formatDuration, formatWhen, launchProgress } from "@/lib/domain/progress";

const states = (phase: Phase, step: string | null) => launchProgress({ phase, step }).steps.map((s) => s.state);

describe("launchProgress", () => {
  it("follows a launch from queued to ready", () => {
    expect(states("Pending", null)).toEqual(["current", "todo", "todo", "todo"]);
    expect(states("Provisioning", null)).toEqual(["done", "current", "todo", "todo"]);
    expect(states("Provisioning", "applying")).toEqual(["done", "current", "todo", "todo"]);
    expect(states("Provisioning", "fetching")).toEqual(["done", "current", "todo", "todo"]);
    expect(states("Provisioning", "installing")).toEqual(["done", "done", "current", "todo"]);
    // Flux already says ready but the row is not yet Ready: still installing as far as the user knows.
    expect(states("Provisioning", "ready")).toEqual(["done", "done", "current", "todo"]);
    expect(states("Ready", "ready")).toEqual(["done", "done", "done", "done"]);
    expect(launchProgress({ phase: "Ready", step: "ready" }).outcome).toBe("ready");
  });

  it("counts a claimed warm member as ready at once", () => {
    expect(launchProgress({ phase: "Claimed", step: "ready" })).toMatchObject({ outcome: "ready" });
    expect(states("Claimed", null)).toEqual(["done", "done", "done", "done"]);
  });

  it("marks the step a failure stopped at, and never the queue", () => {
    expect(states("Failed", "installing")).toEqual(["done", "done", "failed", "todo"]);
    expect(states("Failed", "fetching")).toEqual(["done", "failed", "todo", "todo"]);
    expect(states("Failed", null)).toEqual(["done", "failed", "todo", "todo"]);
    expect(launchProgress({ phase: "Failed", step: null }).outcome).toBe("failed");
  });

  it("says an expiring instance has ended", () => {
    expect(launchProgress({ phase: "Expiring", step: "ready" }).outcome).toBe("ended");
  });

  it("always has exactly one current or failed step while not finished, and labels in order", () => {
    const steps = fc.constantFrom(null, "applying", "fetching", "installing", "ready", "garbage", "");
    fc.assert(
      fc.property(fc.constantFrom(...PHASES), steps, (phase, step) => {
        const progress = launchProgress({ phase, step });
        expect(progress.steps.map((s) => s.label)).toEqual(["Queued", "Applying", "Installing", "Ready"]);
        const active = progress.steps.filter((s) => s.state === "current" || s.state === "failed");
        expect(active.length).toBe(progress.outcome === "progressing" || progress.outcome === "failed" ? 1 : 0);
        // Done steps always come first.
        const firstNotDone = progress.steps.findIndex((s) => s.state !== "done");
        if (firstNotDone >= 0) expect(progress.steps.slice(firstNotDone).every((s) => s.state !== "done")).toBe(true);
      }),
    );
  });
});

describe("describeEstimate", () => {
  it("counts down from the usual time, then admits it is late", () => {
    expect(describeEstimate(10, 40)).toBe("about 30 s left");
    expect(describeEstimate(0, 200)).toBe("about 3 min 20 s left");
    expect(describeEstimate(40, 40)).toBe("taking a little longer than usual");
    expect(describeEstimate(90, 40)).toBe("taking a little longer than usual");
  });

  it("says nothing without an estimate", () => {
    expect(describeEstimate(5, null)).toBeNull();
  });
});

describe("formatDuration", () => {
  it("reads like people talk", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(59.6)).toBe("1 min");
    expect(formatDuration(125)).toBe("2 min 5 s");
    expect(formatDuration(1800)).toBe("30 min");
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(3720)).toBe("1 h 2 min");
    expect(formatDuration(-5)).toBe("0 s");
  });
});

describe("formatWhen", () => {
  const now = new Date("2026-11-25T10:00:00Z");
  const utc = { locale: "en-GB", timeZone: "UTC" };

  it("says the time alone on the same day, and the day too otherwise", () => {
    expect(formatWhen(new Date("2026-11-25T14:05:00Z"), now, utc)).toBe("14:05");
    expect(formatWhen(new Date("2026-11-26T09:15:00Z"), now, utc)).toBe("Thu 26 Nov, 09:15");
    expect(formatWhen(new Date("2026-11-24T23:59:00Z"), now, utc)).toBe("Tue 24 Nov, 23:59");
  });

  it("decides 'the same day' in the reader's time zone, not in UTC", () => {
    // 23:30 UTC on the 25th is already the 26th in Tokyo, while "now" is still the 25th there.
    expect(formatWhen(new Date("2026-11-25T23:30:00Z"), now, { locale: "en-GB", timeZone: "Asia/Tokyo" })).toBe("Thu 26 Nov, 08:30");
    expect(formatWhen(new Date("2026-11-25T23:30:00Z"), now, { locale: "en-GB", timeZone: "America/New_York" })).toBe("18:30");
  });
});
