import { describe, expect, it } from "vitest";
import { describeSettingsImpact, hasImpactSettings, type ImpactCounts } from "@/lib/domain/settings-impact";
import type { TemplateSettings } from "@/lib/domain/template-settings";

const ON_DEMAND: TemplateSettings = {
  displayName: "Lab",
  description: "",
  icon: "terminal",
  category: "",
  enabled: true,
  visible: true,
  method: "on_demand",
  poolSize: 0,
  poolMaxSize: 0,
  poolRecycle: true,
  teacherAccess: false,
  poolFallback: "on_demand",
  ttlSeconds: 3600,
  ttlExtendSeconds: 1800,
  ttlMaxExtends: 2,
  maxInstancesPerUser: null,
  connectionType: "web",
  connectionMessageTemplate: "",
  labels: {},
  annotations: {},
};
const POOL: TemplateSettings = { ...ON_DEMAND, method: "pool", poolSize: 5, poolMaxSize: 0 };
const TEMPLATE = { isBase: false, validationError: null, broken: false };
const NONE: ImpactCounts = { total: 0, unclaimed: 0, unclaimedReady: 0, owned: 0, catalogs: 0 };

function texts(before: TemplateSettings, after: TemplateSettings, counts: Partial<ImpactCounts> = {}, template = TEMPLATE): string[] {
  return describeSettingsImpact(template, before, after, { ...NONE, ...counts }).lines.map((line) => line.text);
}

describe("settings impact", () => {
  it("says running environments keep their expiry and what new launches get", () => {
    expect(texts(ON_DEMAND, { ...ON_DEMAND, ttlSeconds: 7200 }, { owned: 12, total: 12 })).toEqual(["12 running environments keep their expiry; new launches get 2 hours."]);
    expect(texts(ON_DEMAND, { ...ON_DEMAND, ttlSeconds: 7200 }, { owned: 1, total: 1 })).toEqual(["1 running environment keeps its expiry; new launches get 2 hours."]);
    expect(texts(ON_DEMAND, { ...ON_DEMAND, ttlSeconds: -1 })).toEqual(["New launches never expire."]);
    const impact = describeSettingsImpact(TEMPLATE, ON_DEMAND, { ...ON_DEMAND, ttlSeconds: 600 }, { ...NONE, owned: 3 });
    expect(impact.needsConfirmation).toBe(false);
  });

  it("says that running environments follow a new extension rule at once", () => {
    expect(texts(ON_DEMAND, { ...ON_DEMAND, ttlMaxExtends: 0 }, { owned: 2 })).toEqual(["2 running environments follow the new extension rule at once: no more extensions."]);
    expect(texts(ON_DEMAND, { ...ON_DEMAND, ttlExtendSeconds: 3600, ttlMaxExtends: 1 }, { owned: 1 })).toEqual([
      "1 running environment follows the new extension rule at once: up to 1 extension of 1 hour in all.",
    ]);
    expect(texts(ON_DEMAND, { ...ON_DEMAND, ttlMaxExtends: 5 })).toEqual([]);
  });

  it("asks for confirmation when a template is disabled or hidden, and says what stays", () => {
    const disabled = describeSettingsImpact(TEMPLATE, ON_DEMAND, { ...ON_DEMAND, enabled: false }, { ...NONE, owned: 4, total: 4 });
    expect(disabled).toEqual({ lines: [{ text: "Students and staff can no longer launch it; 4 running environments are not touched.", ends: true }], needsConfirmation: true });
    expect(texts(ON_DEMAND, { ...ON_DEMAND, visible: false })).toEqual(["It disappears from the catalog; it stays launchable by its link."]);
    expect(texts(ON_DEMAND, { ...ON_DEMAND, visible: false }, { catalogs: 2 })).toEqual(["It disappears from the catalog; it stays launchable by its link and it stays in 2 class catalogs."]);
    expect(texts(ON_DEMAND, { ...ON_DEMAND, visible: false, enabled: false })).toEqual(["Students and staff can no longer launch it.", "It disappears from the catalog."]);
    expect(describeSettingsImpact(TEMPLATE, ON_DEMAND, { ...ON_DEMAND, visible: false }, NONE).needsConfirmation).toBe(true);
    const back = describeSettingsImpact(TEMPLATE, { ...ON_DEMAND, enabled: false, visible: false }, ON_DEMAND, NONE);
    expect(back).toEqual({ lines: [{ text: "Students can launch it again.", ends: false }, { text: "It appears in the catalog.", ends: false }], needsConfirmation: false });
  });

  it("says which pool members the worker creates or removes, by its own rule", () => {
    // Lowering the size: the excess of unclaimed members goes, those not ready first.
    expect(texts(POOL, { ...POOL, poolSize: 2 }, { total: 7, unclaimed: 5, unclaimedReady: 4, owned: 2 })).toEqual([
      "Removes 3 unclaimed pool members (2 of them ready); 2 running environments are not touched.",
    ]);
    expect(describeSettingsImpact(TEMPLATE, POOL, { ...POOL, poolSize: 2 }, { ...NONE, total: 5, unclaimed: 5 }).needsConfirmation).toBe(true);
    expect(texts(POOL, { ...POOL, poolSize: 7 }, { total: 5, unclaimed: 5 })).toEqual(["Creates 2 pool members."]);
    expect(texts(POOL, { ...POOL, poolSize: 7, poolMaxSize: 8 }, { total: 7, unclaimed: 5, owned: 2 })).toEqual(["Creates 1 pool member: maxSize 8 allows no more."]);
    expect(texts(POOL, { ...POOL, poolMaxSize: 6 }, { total: 8, unclaimed: 3, owned: 5 })).toEqual(["Creates no pool member: maxSize 6 is reached (8 now); none is ended."]);
    // Switching to a pool, and back.
    expect(texts(ON_DEMAND, { ...ON_DEMAND, method: "pool", poolSize: 2 })).toEqual([
      "Creates 2 pool members.",
      "Launches claim a warm member when one is free; otherwise they start on demand.",
    ]);
    expect(texts(ON_DEMAND, { ...ON_DEMAND, method: "pool", poolSize: 2, poolFallback: "refuse" })[1]).toMatch(/otherwise they are refused/);
    expect(texts(POOL, ON_DEMAND, { total: 5, unclaimed: 3, unclaimedReady: 3, owned: 2 })).toEqual([
      "Removes 3 unclaimed pool members (3 of them ready); 2 running environments are not touched.",
    ]);
    // Disabling a pool removes its members too.
    expect(texts(POOL, { ...POOL, enabled: false }, { total: 3, unclaimed: 3, unclaimedReady: 1 })).toEqual(["Students and staff can no longer launch it.", "Removes 3 unclaimed pool members (1 of them ready)."]);
    // A template whose spec does not compose gets no members.
    expect(texts(POOL, { ...POOL, poolSize: 6 }, { total: 5, unclaimed: 5 }, { ...TEMPLATE, broken: true })).toEqual(["Creates no pool member until its spec is fixed (1 due)."]);
  });

  it("has nothing to say about a base template, or a change of how a template is described", () => {
    expect(texts(POOL, { ...POOL, poolSize: 0, enabled: false }, { unclaimed: 3 }, { ...TEMPLATE, isBase: true })).toEqual([]);
    expect(texts(ON_DEMAND, { ...ON_DEMAND, displayName: "New", labels: { a: "b" } }, { owned: 3 })).toEqual([]);
    expect(hasImpactSettings(ON_DEMAND, { ...ON_DEMAND, displayName: "New", icon: "code" })).toBe(false);
    expect(hasImpactSettings(ON_DEMAND, { ...ON_DEMAND, ttlSeconds: 60 })).toBe(true);
  });
});

describe("settings impact without a cluster", () => {
  it("says the pool changes nothing until there is one: the worker then neither creates nor removes members", () => {
    const noCluster = { ...TEMPLATE, noCluster: true };
    expect(texts(ON_DEMAND, POOL, {}, noCluster)).toContain("Changes no pool member while the portal has no cluster (5 to create once it has one).");
    const shrink = describeSettingsImpact(noCluster, POOL, { ...POOL, poolSize: 1 }, { ...NONE, total: 5, unclaimed: 5, unclaimedReady: 5 });
    expect(shrink).toEqual({ lines: [{ text: "Changes no pool member while the portal has no cluster (4 to remove once it has one).", ends: false }], needsConfirmation: false });
  });
});
