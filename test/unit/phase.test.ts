import { describe, expect, it } from "vitest";
import { canTransition, COUNTED_PHASES, IllegalTransitionError, isLive, nextPhase, PHASES } from "@/lib/domain/phase";

describe("the phase machine", () => {
  it("allows the on-demand and pool paths", () => {
    expect(nextPhase("Pending", "Provisioning")).toBe("Provisioning");
    expect(nextPhase("Provisioning", "Ready")).toBe("Ready");
    expect(nextPhase("Provisioning", "Available")).toBe("Available");
    expect(nextPhase("Available", "Claimed")).toBe("Claimed");
  });

  it("allows Expiring from every live phase and Failed from every phase but Expiring", () => {
    for (const phase of PHASES) {
      if (phase === "Expiring") continue;
      expect(canTransition(phase, "Expiring")).toBe(true);
      expect(canTransition(phase, "Failed")).toBe(true);
    }
    expect(canTransition("Expiring", "Failed")).toBe(false);
  });

  it("throws on illegal moves, naming both phases", () => {
    expect(() => nextPhase("Ready", "Pending")).toThrow(IllegalTransitionError);
    expect(() => nextPhase("Expiring", "Ready")).toThrow("illegal instance phase transition Expiring → Ready");
    expect(() => nextPhase("Ready", "Claimed")).toThrow(IllegalTransitionError);
    expect(() => nextPhase("Available", "Ready")).toThrow(IllegalTransitionError);
  });

  it("keeps a failed instance failed until it is torn down", () => {
    for (const phase of PHASES) expect(canTransition("Failed", phase), phase).toBe(phase === "Failed" || phase === "Expiring");
    expect(() => nextPhase("Failed", "Ready")).toThrow(IllegalTransitionError);
    expect(() => nextPhase("Failed", "Provisioning")).toThrow(IllegalTransitionError);
  });

  it("staying in a phase is always allowed", () => {
    for (const phase of PHASES) expect(nextPhase(phase, phase)).toBe(phase);
  });

  it("counts every phase but Expiring as live, and every live phase but Failed against a quota", () => {
    expect(PHASES.filter(isLive)).toEqual(["Pending", "Provisioning", "Ready", "Available", "Claimed", "Failed"]);
    expect(COUNTED_PHASES).toEqual(["Pending", "Provisioning", "Ready", "Available", "Claimed"]);
  });
});
