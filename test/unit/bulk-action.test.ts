import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bulkQuestion,
  countOutcomes,
  decideBulkItem,
  describeOutcomes,
  MAX_BULK,
  parseBulkRequest,
  tooManyMessage,
  type BulkAction,
  type BulkTarget,
} from "@/lib/domain/bulk-action";
import { NO_INSTANCE_FILTER } from "@/lib/domain/instance-list";
import { PHASES, type Phase } from "@/lib/domain/phase";

const NOW = new Date("2026-12-01T10:00:00Z");
const inAnHour = new Date(NOW.getTime() + 3600_000);
const POLICY = { ttlSeconds: 3600, extendSeconds: 1800, maxExtends: 2 };

function target(phase: Phase, fields: Partial<BulkTarget> = {}): BulkTarget {
  return { uuid: "0000abcd", phase, deleted: false, expiresAt: inAnHour, extendCount: 0, policy: POLICY, ...fields };
}

function errorsOf(input: unknown): Record<string, string[]> {
  const parsed = parseBulkRequest(input);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return parsed.errors;
}

describe("parseBulkRequest", () => {
  it("reads an action on picked environments or on a filter, with the count confirmed", () => {
    expect(parseBulkRequest({ action: "end", uuids: ["0000abcd", "1234beef"], confirm: 2 })).toEqual({
      ok: true,
      value: { action: "end", selection: { uuids: ["0000abcd", "1234beef"] }, confirm: 2 },
    });
    expect(parseBulkRequest({ action: "extend", filter: { template: "lab", failed: "1" } })).toEqual({
      ok: true,
      value: { action: "extend", selection: { filter: { ...NO_INSTANCE_FILTER, template: "lab", failed: true } }, confirm: null },
    });
    // A form sends the count as text.
    expect(parseBulkRequest({ action: "end", filter: {}, confirm: "12" })).toMatchObject({ ok: true, value: { confirm: 12 } });
    expect(parseBulkRequest({ action: "end", filter: {}, confirm: null })).toMatchObject({ ok: true, value: { confirm: null } });
  });

  it("refuses an unknown action, both selections or neither, and unknown fields", () => {
    for (const action of ["END", "delete", "retry", "", 1, null, undefined, ["end"]]) {
      expect(errorsOf({ action, uuids: ["0000abcd"] }).action, String(action)).toEqual(["must be one of end, extend"]);
    }
    expect(errorsOf({ action: "end" }).selection).toBeDefined();
    expect(errorsOf({ action: "end", uuids: ["0000abcd"], filter: {} }).selection).toBeDefined();
    expect(errorsOf({ action: "end", uuids: ["0000abcd"], all: true })).toEqual({ all: ["is not a field of a bulk action (use action, uuids, filter, confirm)"] });
    expect(errorsOf(JSON.parse('{"action": "end", "uuids": ["0000abcd"], "__proto__": {"admin": true}}'))).toHaveProperty("__proto__");
    for (const body of [null, "end", 3, ["end"]]) expect(errorsOf(body)).toEqual({ body: ["must be an object"] });
  });

  it("refuses picked environments that are not a short list of distinct environment ids", () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(8, "0"));
    expect(errorsOf({ action: "end", uuids: [] }).uuids).toEqual(["must be a list of one or more environment ids"]);
    expect(errorsOf({ action: "end", uuids: "0000abcd" }).uuids).toEqual(["must be a list of one or more environment ids"]);
    expect(errorsOf({ action: "end", uuids: ids(MAX_BULK + 1) }).uuids).toEqual([`lists ${MAX_BULK + 1} environments: a bulk action takes at most ${MAX_BULK}`]);
    expect(parseBulkRequest({ action: "end", uuids: ids(MAX_BULK) }).ok).toBe(true);
    for (const bad of ["0000ABCD", "0000abc", "0000abcde", "'; DROP TABLE instances; --", "../../x", "０000abcd", 12345678, null, { uuid: "0000abcd" }, "0000abc\u0000"]) {
      expect(errorsOf({ action: "end", uuids: [bad] }).uuids, String(bad)).toEqual(["must hold environment ids only (8 lowercase hexadecimal characters)"]);
    }
    expect(errorsOf({ action: "end", uuids: ["0000abcd", "0000abcd"] }).uuids).toEqual(["names an environment more than once"]);
  });

  it("refuses a filter it does not understand, naming the field, and a filter of ended environments", () => {
    expect(errorsOf({ action: "end", filter: { phase: "gone" } })).toEqual({ "filter.phase": ["must be one of Pending, Provisioning, Ready, Available, Claimed, Expiring, Failed"] });
    expect(errorsOf({ action: "end", filter: { page: "2" } })).toHaveProperty("filter.page");
    expect(errorsOf({ action: "end", filter: { owner: "'; DELETE FROM instances; --" } })).toHaveProperty("filter.owner");
    expect(errorsOf({ action: "end", filter: { template: 7 } })).toEqual({ "filter.template": ["must be text"] });
    expect(errorsOf({ action: "end", filter: "template=lab" })).toEqual({ filter: ["must be an object of filters"] });
    expect(errorsOf({ action: "end", filter: { show: "all" } })).toEqual({ "filter.show": ["a bulk action acts on live environments only"] });
    expect(errorsOf({ action: "end", filter: { show: "ended" } })).toHaveProperty("filter.show");
  });

  it("refuses a confirmation that is not a count", () => {
    for (const confirm of [-1, 1.5, MAX_BULK + 1, "12a", "", "1e2", true, [2], { n: 2 }, Number.NaN]) {
      expect(errorsOf({ action: "end", filter: {}, confirm }), JSON.stringify(confirm)).toEqual({ confirm: [`must be the number of environments confirmed, from 0 to ${MAX_BULK}`] });
    }
  });
});

describe("decideBulkItem", () => {
  it("ends any live environment, whatever its phase, and reports those already ending or gone", () => {
    for (const phase of PHASES.filter((p) => p !== "Expiring")) expect(decideBulkItem("end", target(phase), NOW), phase).toEqual({ outcome: "ended", reason: null });
    expect(decideBulkItem("end", target("Expiring"), NOW)).toEqual({ outcome: "already-ending", reason: "It is already being torn down." });
    expect(decideBulkItem("end", target("Expiring", { deleted: true }), NOW)).toEqual({ outcome: "already-ending", reason: "It has already been torn down." });
    expect(decideBulkItem("end", null, NOW)).toEqual({ outcome: "not-found", reason: "There is no such environment." });
  });

  it("extends within the template's limits, by its extension time added to the current expiry", () => {
    expect(decideBulkItem("extend", target("Ready", { extendCount: 1 }), NOW)).toEqual({
      outcome: "extended",
      reason: null,
      expiresAt: new Date(inAnHour.getTime() + 1800_000),
      extendCount: 2,
    });
  });

  it("refuses to extend, with why, what cannot be extended", () => {
    expect(decideBulkItem("extend", target("Failed"), NOW)).toMatchObject({ outcome: "refused", reason: expect.stringMatching(/failed to start/) });
    expect(decideBulkItem("extend", target("Available", { expiresAt: null }), NOW)).toMatchObject({ outcome: "refused", reason: expect.stringMatching(/no time limit/) });
    expect(decideBulkItem("extend", target("Ready", { extendCount: 2 }), NOW)).toMatchObject({ outcome: "refused", reason: expect.stringMatching(/maximum of 2 times/) });
    expect(decideBulkItem("extend", target("Ready", { expiresAt: new Date(NOW.getTime() - 1) }), NOW)).toMatchObject({ outcome: "refused", reason: "This environment has already expired." });
    expect(decideBulkItem("extend", target("Ready", { policy: { ...POLICY, extendSeconds: 0 } }), NOW)).toMatchObject({ outcome: "refused" });
    expect(decideBulkItem("extend", target("Expiring"), NOW)).toMatchObject({ outcome: "already-ending" });
    expect(decideBulkItem("extend", null, NOW)).toMatchObject({ outcome: "not-found" });
  });

  it("never ends or extends what is gone or going, and only extends what has time to gain", () => {
    const anyTarget = fc.record({
      uuid: fc.constant("0000abcd"),
      phase: fc.constantFrom(...PHASES),
      deleted: fc.boolean(),
      expiresAt: fc.option(fc.integer({ min: -7200, max: 7200 }).map((s) => new Date(NOW.getTime() + s * 1000)), { nil: null }),
      extendCount: fc.integer({ min: 0, max: 5 }),
      policy: fc.record({ ttlSeconds: fc.integer({ min: -1, max: 7200 }), extendSeconds: fc.integer({ min: 0, max: 3600 }), maxExtends: fc.integer({ min: 0, max: 4 }) }),
    });
    fc.assert(
      fc.property(fc.constantFrom<BulkAction>("end", "extend"), anyTarget, (action, t) => {
        const decision = decideBulkItem(action, t, NOW);
        if (t.deleted || t.phase === "Expiring") expect(decision.outcome).toBe("already-ending");
        if (decision.outcome === "extended") {
          expect(action).toBe("extend");
          expect(t.phase).not.toBe("Failed");
          expect(decision.extendCount).toBe(t.extendCount + 1);
          expect(decision.extendCount).toBeLessThanOrEqual(t.policy.maxExtends);
          expect(decision.expiresAt.getTime()).toBeGreaterThan(Math.max(NOW.getTime(), t.expiresAt!.getTime()));
        }
        if (decision.outcome === "ended") expect(action).toBe("end");
        if (decision.outcome !== "ended" && decision.outcome !== "extended") expect(decision.reason).toEqual(expect.any(String));
      }),
    );
  });
});

describe("what a bulk action says", () => {
  it("asks with the count and sums up what happened to each", () => {
    expect(bulkQuestion("end", 12)).toBe("End 12 environments?");
    expect(bulkQuestion("extend", 1)).toBe("Extend 1 environment?");
    const counts = countOutcomes([{ outcome: "ended" }, { outcome: "ended" }, { outcome: "already-ending" }, { outcome: "refused" }, { outcome: "not-found" }]);
    expect(counts).toEqual({ ended: 2, extended: 0, "already-ending": 1, refused: 1, "not-found": 1 });
    expect(describeOutcomes("end", counts)).toBe("Ended 2 environments; 1 already ending; 1 refused; 1 not found.");
    expect(describeOutcomes("end", counts, { planned: true })).toBe("Ends 2 environments; 1 already ending; 1 refused; 1 not found.");
    expect(describeOutcomes("extend", countOutcomes([{ outcome: "extended" }]))).toBe("Extended 1 environment.");
    expect(describeOutcomes("extend", countOutcomes([]))).toBe("Extended 0 environments.");
    expect(tooManyMessage(340)).toBe(`This filter matches 340 environments: a bulk action takes at most ${MAX_BULK}. Narrow the filter (a template, an owner, a phase) and act in parts.`);
  });
});
