import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_CSV_HEADER, auditCsvRow, auditTrailHref, containsPattern, describeAction, describeObjectType, MAX_AUDIT_PAGE, parseAuditQuery, parseAuditTime } from "@/lib/domain/audit-trail";

describe("parseAuditTime", () => {
  it.each([
    ["2026-11-30", false, "2026-11-30T00:00:00.000Z"],
    ["2026-11-30", true, "2026-12-01T00:00:00.000Z"],
    ["2026-11-30T14:05", false, "2026-11-30T14:05:00.000Z"],
    ["2026-11-30T14:05", true, "2026-11-30T14:06:00.000Z"],
    ["2026-11-30 14:05:09", true, "2026-11-30T14:05:10.000Z"],
    ["2026-11-30T14:05:09.5", false, "2026-11-30T14:05:09.500Z"],
    ["2026-11-30T14:05Z", false, "2026-11-30T14:05:00.000Z"],
    ["2026-11-30T14:05+01:00", false, "2026-11-30T13:05:00.000Z"],
    ["2026-11-30T14:05-0230", false, "2026-11-30T16:35:00.000Z"],
    ["2028-02-29", false, "2028-02-29T00:00:00.000Z"],
  ])("%j (end %s) is %s", (text, end, expected) => {
    expect(parseAuditTime(text, end)?.toISOString()).toBe(expected);
  });

  it.each([
    "yesterday",
    "2026-02-30",
    "2027-02-29",
    "2026-13-01",
    "2026-11-31",
    "2026-11-30T24:00",
    "2026-11-30T14:60",
    "2026-11-30T14:05:61",
    "2026-11-30Z",
    "2026-11-30T14:05+15:00",
    "0000-01-01",
    "1969-12-31",
    "26-11-30",
    "2026-11-30T14",
    "２０２６-11-30",
    "2026-11-30'; DROP TABLE audit_events; --",
    "",
  ])("%j is no moment", (text) => {
    expect(parseAuditTime(text)).toBeNull();
  });
});

describe("parseAuditQuery", () => {
  it("reads every filter and the page", () => {
    const query = parseAuditQuery({ actor: " alice ", action: "signin.fail", type: "account", object: "alice", from: "2026-11-01", to: "2026-11-30", page: "3" });
    expect(query).toEqual({
      filter: { actor: "alice", action: "signin.fail", objectType: "account", objectId: "alice", from: "2026-11-01", to: "2026-11-30" },
      range: { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-12-01T00:00:00Z") },
      page: 3,
      errors: null,
      unknown: [],
    });
  });

  it("is no filter at all without parameters", () => {
    expect(parseAuditQuery({})).toMatchObject({ page: 1, errors: null, range: { from: null, to: null } });
  });

  it.each([
    [{ from: "2026-02-30" }, "from", /Not a date and time/],
    [{ to: "soon" }, "to", /Not a date and time/],
    [{ from: "2026-11-30", to: "2026-11-01" }, "to", /after From/],
    [{ from: "2026-11-30T10:00", to: "2026-11-30T09:59" }, "to", /after From/],
    [{ from: "x".repeat(1000) }, "from", /Not a date/],
    [{ page: "0" }, "page", /from 1 to/],
    [{ page: "-1" }, "page", /from 1 to/],
    [{ page: "1.5" }, "page", /from 1 to/],
    [{ page: "abc" }, "page", /from 1 to/],
    [{ page: String(MAX_AUDIT_PAGE + 1) }, "page", /from 1 to/],
    [{ page: "99999999999999999999999" }, "page", /from 1 to/],
    [{ page: "1e3" }, "page", /from 1 to/],
    [{ actor: "a".repeat(64) }, "actor", /At most 63/],
    [{ actor: "al\u0000ice" }, "actor", /control/],
    [{ actor: "al\nice" }, "actor", /control/],
    [{ object: "o".repeat(101) }, "object", /At most 100/],
    [{ action: "signin.fail'; DROP TABLE audit_events; --" }, "action", /Not an action/],
    [{ action: "SIGNIN" }, "action", /Not an action/],
    [{ action: "a".repeat(65) }, "action", /Not an action/],
    [{ type: "<script>" }, "type", /Not an object type/],
    [{ actor: ["alice", "bob"] }, "actor", /more than once/],
    [{ page: ["1", "2"] }, "page", /more than once/],
  ])("reports %j on its field", (params, field, message) => {
    const query = parseAuditQuery(params);
    expect(query.errors?.[field]?.join(" ")).toMatch(message);
    expect(query.page).toBeGreaterThanOrEqual(1);
  });

  it("takes SQL, markup and unicode in free-text filters as text", () => {
    const query = parseAuditQuery({ actor: "' OR 1=1 --", object: "<img src=x onerror=alert(1)>" });
    expect(query.errors).toBeNull();
    expect(query.filter).toMatchObject({ actor: "' OR 1=1 --", objectId: "<img src=x onerror=alert(1)>" });
    expect(parseAuditQuery({ actor: "学生👩‍🎓" }).filter.actor).toBe("学生👩‍🎓");
  });

  it("lists parameters that are no filter", () => {
    expect(parseAuditQuery({ actor: "a", sort: "id", __proto__x: "1" }).unknown).toEqual(["sort", "__proto__x"]);
  });
});

describe("auditTrailHref", () => {
  it("writes only what is set, and reads back as the same query", () => {
    const filter = { actor: "a b&c", action: "signin", objectType: "", objectId: "x/y", from: "2026-11-01T10:00", to: "" };
    const href = auditTrailHref(filter, 2);
    expect(href).toBe("/admin/audit?actor=a+b%26c&action=signin&object=x%2Fy&from=2026-11-01T10%3A00&page=2");
    const params = Object.fromEntries(new URL(href, "http://x").searchParams);
    expect(parseAuditQuery(params)).toMatchObject({ filter, page: 2, errors: null });
    expect(auditTrailHref({}, 1)).toBe("/admin/audit");
    expect(auditTrailHref({ action: "token" }, 1, "/admin/audit/export")).toBe("/admin/audit/export?action=token");
  });
});

describe("containsPattern", () => {
  it("makes LIKE wildcards stand for themselves", () => {
    expect(containsPattern("50%_off\\")).toBe("%50\\%\\_off\\\\%");
  });
});

describe("the CSV of an entry", () => {
  it("has a column per field, times in UTC, before and after as JSON, and hostile text neutralised", () => {
    const row = auditCsvRow({
      id: "7",
      at: new Date("2026-11-30T12:00:00Z"),
      actorId: null,
      actorName: '=HYPERLINK("http://evil.example","x")',
      action: "signin.fail",
      objectType: "account",
      objectId: "-1+1",
      sourceAddress: "198.51.100.7",
      userAgent: "@curl",
      before: null,
      after: { reason: "unknown account" },
    });
    expect(AUDIT_CSV_HEADER).toBe('"id","time (UTC)","actor","actor id","action","object type","object id","source address","user agent","before","after"\r\n');
    expect(row).toBe(
      `"7","2026-11-30T12:00:00.000Z","'=HYPERLINK(""http://evil.example"",""x"")","","signin.fail","account","'-1+1","198.51.100.7","'@curl","","{""reason"":""unknown account""}"\r\n`,
    );
  });

  it("words known actions and leaves unknown ones as they are", () => {
    expect(describeAction("signin.lockout")).toBe("Locked out after failed sign-ins");
    expect(describeAction("no-such.action")).toBe("no-such.action");
  });

  it("has words, and a place in the filter, for every action the code records", () => {
    // The actions written as literals where entries are made (lib/services, lib/controllers, lib/db).
    const recorded = new Set<string>();
    for (const dir of ["lib/services", "lib/controllers", "lib/db"]) {
      for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"))) {
        // `action: "a.b"`, or a choice between literals (`action: archived ? "a.b" : "a.c"`).
        for (const [, expression] of readFileSync(path.join(dir, file), "utf8").matchAll(/\baction: ([^,\n]+)/g)) {
          for (const literal of expression!.matchAll(/"([a-z-]+\.[a-z.-]+)"/g)) recorded.add(literal[1]!);
        }
      }
    }
    expect(recorded.size).toBeGreaterThan(15);
    expect([...recorded].filter((action) => describeAction(action) === action)).toEqual([]);
    // Actions made from a prefix and a variable part (`instance.bulk-${action}`): each variant has words.
    const prefixes = new Set<string>();
    for (const dir of ["lib/services", "lib/controllers", "lib/db"]) {
      for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"))) {
        for (const match of readFileSync(path.join(dir, file), "utf8").matchAll(/\baction: `([a-z-]+\.[a-z-]*)\$\{/g)) prefixes.add(match[1]!);
      }
    }
    expect(prefixes).toEqual(new Set(["instance.bulk-"]));
    // And every kind of object they name.
    const types = new Set<string>();
    for (const dir of ["lib/services", "lib/controllers", "lib/db"]) {
      for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"))) {
        for (const match of readFileSync(path.join(dir, file), "utf8").matchAll(/\bobjectType: "([a-z-]+)"/g)) types.add(match[1]!);
      }
    }
    expect(types.size).toBeGreaterThan(5);
    expect([...types].filter((type) => describeObjectType(type) === type)).toEqual([]);
    expect(["instance.bulk-end", "instance.bulk-extend"].map(describeAction)).toEqual(["Ended in bulk", "Extended in bulk"]);
  });
});
