import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cellStateOf,
  classBulkQuestion,
  classViewHref,
  countCells,
  describeCounts,
  isExpiringSoon,
  MAX_CLASS_BULK,
  ownershipOf,
  parseClassBulkRequest,
  parseClassViewQuery,
  rowMatches,
  studentMatches,
  studentOwnerKey,
} from "@/lib/domain/class-view";

const NOW = new Date("2026-11-30T10:00:00Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

describe("the class view's filter in the address", () => {
  it("reads a known status and a search, lowercased and trimmed", () => {
    expect(parseClassViewQuery({ status: "running", q: "  Ada " })).toEqual({ status: "running", search: "ada" });
    expect(parseClassViewQuery({ status: "not-started" })).toEqual({ status: "not-started", search: "" });
  });

  it("ignores what it does not understand instead of failing", () => {
    for (const params of [undefined, null, "status=running", [1], { status: "Running" }, { status: 1 }, { q: {} }, { ["__proto__"]: { status: "failed" } }, { status: "__proto__" }]) {
      expect(parseClassViewQuery(params)).toEqual({ status: null, search: "" });
    }
    expect(parseClassViewQuery({ status: ["failed", "running"] }).status).toBe("failed");
    expect(parseClassViewQuery({ q: "x".repeat(500) }).search).toHaveLength(100);
  });

  it("never throws, and round-trips through its address", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()), fc.integer())), (params) => {
        const query = parseClassViewQuery(params);
        const href = classViewHref("net101", query);
        const back = Object.fromEntries(new URL(href, "http://x").searchParams);
        expect(parseClassViewQuery(back)).toEqual(query);
      }),
    );
  });

  it("writes only what is set", () => {
    expect(classViewHref("net 101", {})).toBe("/teach/classes/net%20101");
    expect(classViewHref("net101", { status: "failed", search: "a&b" })).toBe("/teach/classes/net101?status=failed&q=a%26b");
  });
});

describe("whose environment a cell shows", () => {
  const student = { userId: "u1", username: "Ada.Lovelace", email: "ada@example.edu", groups: ["Lab Team 1", "other"] };

  it("reads the template's owner claim: username by default, a group, the email, or another claim", () => {
    expect(["", "username", "preferred_username", " "].map((claim) => ownershipOf(claim))).toEqual(["user", "user", "user", "user"]);
    expect(ownershipOf("upn", "upn")).toBe("user");
    expect(ownershipOf("groups")).toBe("group");
    expect(ownershipOf("email")).toBe("email");
    expect(ownershipOf("department")).toBe("claim");
  });

  it("gives the owner key the launch would have given, or null when it is found by who launched it", () => {
    expect(studentOwnerKey(student, "user")).toBe("ada-lovelace");
    expect(studentOwnerKey(student, "group")).toBe("lab-team-1");
    expect(studentOwnerKey(student, "email")).toBe("ada-example-edu");
    expect(studentOwnerKey(student, "claim")).toBeNull();
    expect(studentOwnerKey({ ...student, groups: [], email: null }, "group")).toBeNull();
    expect(studentOwnerKey({ ...student, groups: [], email: null }, "email")).toBeNull();
  });
});

describe("a cell's state", () => {
  const at = (phase: Parameters<typeof cellStateOf>[0] extends infer T ? (T extends { phase: infer P } ? P : never) : never, extra = {}) => ({ phase, health: null, expiresAt: null, deleted: false, ...extra });

  it("follows the phase, with a troubled launch as failed and an ended one as not started", () => {
    expect(cellStateOf(null)).toBe("not-started");
    expect(cellStateOf(at("Ready", { deleted: true }))).toBe("not-started");
    expect(["Pending", "Provisioning", "Ready", "Available", "Claimed", "Expiring", "Failed"].map((p) => cellStateOf(at(p as "Ready")))).toEqual([
      "starting",
      "starting",
      "running",
      "running",
      "running",
      "ending",
      "failed",
    ]);
    expect(cellStateOf(at("Provisioning", { health: "degraded" }))).toBe("failed");
  });

  it("is expiring within 30 minutes only while it lives", () => {
    expect(isExpiringSoon("running", minutes(29), NOW)).toBe(true);
    expect(isExpiringSoon("running", minutes(30), NOW)).toBe(true);
    expect(isExpiringSoon("running", minutes(31), NOW)).toBe(false);
    expect(isExpiringSoon("starting", minutes(-1), NOW)).toBe(true);
    expect(isExpiringSoon("running", null, NOW)).toBe(false);
    for (const state of ["failed", "ending", "not-started"] as const) expect(isExpiringSoon(state, minutes(1), NOW)).toBe(false);
  });

  it("keeps rows with a cell the filter asks for, and counts cells for the summary", () => {
    const cells = [
      { state: "running" as const, expiringSoon: true },
      { state: "not-started" as const, expiringSoon: false },
    ];
    expect([null, "running", "expiring", "not-started", "failed"].map((s) => rowMatches(cells, s as never))).toEqual([true, true, true, true, false]);
    const counts = countCells([...cells, { state: "failed", expiringSoon: false }, { state: "ending", expiringSoon: false }, { state: "starting", expiringSoon: false }]);
    expect(counts).toEqual({ running: 1, starting: 1, failed: 1, expiring: 1, notStarted: 1 });
    expect(describeCounts(counts)).toBe("1 running · 1 starting · 1 failed · 1 expiring within 30 min · 1 not started");
    expect(describeCounts({ running: 18, starting: 0, failed: 2, expiring: 0, notStarted: 10 })).toBe("18 running · 2 failed · 10 not started");
  });

  it("searches usernames and display names as text", () => {
    expect(studentMatches({ username: "ada", displayName: "Ada Lovelace" }, "love")).toBe(true);
    expect(studentMatches({ username: "ada", displayName: null }, "%")).toBe(false);
    expect(studentMatches({ username: "zoë", displayName: null }, "zoë")).toBe(true);
  });
});

describe("a teacher's bulk request", () => {
  it("reads picked environments, or picked (or all) students of one (or every) template", () => {
    expect(parseClassBulkRequest({ action: "end", uuids: ["0badf00d"], confirm: 1 })).toEqual({ ok: true, value: { action: "end", selection: { uuids: ["0badf00d"] }, confirm: 1, dryRun: false } });
    expect(parseClassBulkRequest({ action: "extend", template: "lab", dryRun: true })).toEqual({
      ok: true,
      value: { action: "extend", selection: { students: null, template: "lab" }, confirm: null, dryRun: true },
    });
    expect(parseClassBulkRequest({ action: "end", students: ["ada", "Zoë Ü"] })).toMatchObject({ ok: true, value: { selection: { students: ["ada", "Zoë Ü"], template: null } } });
  });

  it("refuses anything it does not understand, by field", () => {
    const fieldsOf = (input: unknown) => {
      const parsed = parseClassBulkRequest(input);
      return parsed.ok ? [] : Object.keys(parsed.errors);
    };
    expect(fieldsOf(null)).toEqual(["body"]);
    expect(fieldsOf([{ action: "end" }])).toEqual(["body"]);
    expect(fieldsOf({ action: "END" })).toEqual(["action"]);
    expect(fieldsOf({ action: "end", uuids: Array.from({ length: MAX_CLASS_BULK + 1 }, () => "0badf00d") })).toEqual(["uuids"]);
    expect(fieldsOf({ action: "end", uuids: ["0badf00d", "0badf00d"] })).toEqual(["uuids"]);
    expect(fieldsOf({ action: "end", uuids: ["0BADF00D"] })).toEqual(["uuids"]);
    expect(fieldsOf({ action: "end", uuids: ["0badf00d"], students: ["ada"] })).toEqual(["selection"]);
    expect(fieldsOf({ action: "end", students: [""] })).toEqual(["students"]);
    expect(fieldsOf({ action: "end", students: ["a\u0000b"] })).toEqual(["students"]);
    expect(fieldsOf({ action: "end", students: ["x".repeat(64)] })).toEqual(["students"]);
    expect(fieldsOf({ action: "end", template: "Lab; DROP" })).toEqual(["template"]);
    expect(fieldsOf({ action: "end", confirm: 1.5 })).toEqual(["confirm"]);
    expect(fieldsOf({ action: "end", confirm: MAX_CLASS_BULK + 1 })).toEqual(["confirm"]);
    expect(fieldsOf({ action: "end", dryRun: 1 })).toEqual(["dryRun"]);
    expect(fieldsOf(JSON.parse('{"action":"end","__proto__":{"x":1}}'))).toEqual(["__proto__"]);
  });

  it("never throws, whatever it is given (property)", () => {
    fc.assert(fc.property(fc.anything(), (input) => void parseClassBulkRequest(input)));
    fc.assert(fc.property(fc.dictionary(fc.constantFrom("action", "uuids", "students", "template", "confirm", "dryRun"), fc.anything()), (input) => void parseClassBulkRequest(input)));
  });

  it("asks its question with the count and the template", () => {
    expect(classBulkQuestion("end", 12, "Web Terminal")).toBe("End 12 environments of Web Terminal?");
    expect(classBulkQuestion("extend", 1, null)).toBe("Extend 1 environment?");
  });
});
