import { describe, expect, it } from "vitest";
import { canTransition, IllegalTransitionError, isLive, nextPhase, PHASES } from "@/lib/domain/phase";

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

  it("lets a failed instance recover when Flux later succeeds", () => {
    expect(nextPhase("Failed", "Ready")).toBe("Ready");
    expect(nextPhase("Failed", "Provisioning")).toBe("Provisioning");
  });

  it("staying in a phase is always allowed", () => {
    for (const phase of PHASES) expect(nextPhase(phase, phase)).toBe(phase);
  });

  it("counts every phase but Expiring as live", () => {
    expect(PHASES.filter(isLive)).toEqual(["Pending", "Provisioning", "Ready", "Available", "Claimed", "Failed"]);
  });
});
