import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_INSTANCE_QUERY,
  describeInstanceFilter,
  EXPIRING_WITHIN,
  INSTANCE_SHOWS,
  INSTANCE_SORTS,
  instanceListHref,
  isInstanceListNarrowed,
  MAX_PAGE,
  NO_INSTANCE_FILTER,
  nextSort,
  pageCount,
  parseInstanceFilter,
  parseInstanceListQuery,
  type InstanceListQuery,
} from "@/lib/domain/instance-list";
import { PHASES } from "@/lib/domain/phase";

/** The errors of a query that must be refused. */
function errorsOf(params: unknown): Record<string, string[]> {
  const parsed = parseInstanceListQuery(params);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(params)} to be refused`);
  return parsed.errors;
}

function valueOf(params: unknown): InstanceListQuery {
  const parsed = parseInstanceListQuery(params);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(params)} to be read: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

describe("parseInstanceListQuery", () => {
  it("reads nothing as the live list, newest first, page 1", () => {
    expect(valueOf({})).toEqual(DEFAULT_INSTANCE_QUERY);
    expect(valueOf(undefined)).toEqual(DEFAULT_INSTANCE_QUERY);
    // Empty fields are what a GET form sends for "any": not given.
    expect(valueOf({ template: "", owner: " ", phase: "", expiring: "", failed: "", show: "", sort: "", order: "", page: "" })).toEqual(DEFAULT_INSTANCE_QUERY);
  });

  it("reads every filter, the sort and the page", () => {
    expect(valueOf({ template: "e2e-lab", owner: " Alice ", phase: "Failed", expiring: "1h", failed: "1", show: "all", sort: "expires", order: "asc", page: "3" })).toEqual({
      filter: { template: "e2e-lab", owner: "alice", phase: "Failed", expiring: "1h", failed: true, show: "all" },
      sort: "expires",
      order: "asc",
      page: 3,
    });
    expect(valueOf({ owner: "-" }).filter.owner).toBe("-");
    for (const phase of PHASES) expect(valueOf({ phase }).filter.phase).toBe(phase);
    for (const expiring of Object.keys(EXPIRING_WITHIN)) expect(valueOf({ expiring }).filter.expiring).toBe(expiring);
    for (const show of INSTANCE_SHOWS) expect(valueOf({ show }).filter.show).toBe(show);
    for (const sort of INSTANCE_SORTS) expect(valueOf({ sort }).sort).toBe(sort);
    expect(valueOf({ page: String(MAX_PAGE) }).page).toBe(MAX_PAGE);
  });

  it("refuses values of the wrong kind, naming the parameter and what it takes", () => {
    expect(errorsOf({ phase: "failed" })).toEqual({ phase: ["must be one of Pending, Provisioning, Ready, Available, Claimed, Expiring, Failed"] });
    expect(errorsOf({ expiring: "2h" })).toEqual({ expiring: ["must be one of 15m, 1h, 4h, 1d"] });
    expect(errorsOf({ failed: "true" })).toEqual({ failed: ['must be "1" (or left out)'] });
    expect(errorsOf({ show: "deleted" })).toEqual({ show: ["must be one of live, ended, all"] });
    expect(errorsOf({ sort: "name" })).toEqual({ sort: ["must be one of created, expires, template, owner, phase, uuid"] });
    expect(errorsOf({ order: "up" })).toEqual({ order: ["must be asc or desc"] });
    for (const page of ["0", "-1", "1.5", "1e3", "two", String(MAX_PAGE + 1), "9999999", "0x10"]) {
      expect(errorsOf({ page }), page).toEqual({ page: [`must be a whole number from 1 to ${MAX_PAGE}`] });
    }
    expect(errorsOf({ template: "Not A Name" }).template).toEqual(["must be a template's name (lowercase letters, digits and dashes)"]);
    expect(errorsOf({ owner: "a b" }).owner?.[0]).toMatch(/^must be part of an owner key/);
  });

  it("refuses text that is too long instead of cutting it (a cut filter would match something else)", () => {
    for (const key of ["template", "owner", "phase", "expiring", "failed", "show", "sort", "order", "page"]) {
      expect(errorsOf({ [key]: "a".repeat(101) }), key).toEqual({ [key]: ["is longer than 100 characters"] });
    }
    expect(errorsOf({ owner: "a".repeat(64) }).owner?.[0]).toMatch(/at most 63/);
  });

  it("refuses injection attempts, unicode and control characters in every filter", () => {
    const hostile = ["'; DROP TABLE instances; --", "%", "_", "a%b", "\\", "<script>alert(1)</script>", "élève", "ａｌｉｃｅ", "alice\u202e", "a\u0000b", "../../etc", "x' OR '1'='1"];
    for (const value of hostile) {
      for (const key of ["template", "owner", "phase", "expiring", "sort"]) {
        expect(parseInstanceListQuery({ [key]: value }).ok, `${key}=${value}`).toBe(false);
      }
    }
  });

  it("refuses unknown parameters, repeated ones and values that are not text", () => {
    expect(errorsOf({ q: "x" })).toEqual({ q: ["is not a filter of this list (use template, owner, phase, expiring, failed, show, sort, order, page)"] });
    expect(Object.keys(errorsOf(JSON.parse('{"__proto__": "x"}')))).toEqual(["__proto__"]);
    expect(errorsOf({ ["k".repeat(200)]: "x" })).toHaveProperty("k".repeat(80));
    expect(errorsOf({ phase: ["Failed", "Ready"] })).toEqual({ phase: ["is given more than once"] });
    expect(valueOf({ phase: ["Failed"] }).filter.phase).toBe("Failed");
    for (const value of [1, true, {}, ["a", "b"], { toString: () => "Failed" }]) expect(parseInstanceListQuery({ phase: value }).ok).toBe(false);
    expect(errorsOf("phase=Failed")).toEqual({ filter: ["must be an object of filters"] });
    expect(errorsOf([["phase", "Failed"]])).toEqual({ filter: ["must be an object of filters"] });
    // Every problem is reported at once, not the first alone.
    expect(Object.keys(errorsOf({ phase: "x", page: "0", nope: "1" })).sort()).toEqual(["nope", "page", "phase"]);
  });

  it("never accepts a value a reader did not understand, whatever the input", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom("template", "owner", "phase", "expiring", "failed", "show", "sort", "order", "page"), fc.string({ maxLength: 120 })), (params) => {
        const parsed = parseInstanceListQuery(params);
        if (!parsed.ok) return;
        const { filter, sort, order, page } = parsed.value;
        expect(filter.phase === null || PHASES.includes(filter.phase)).toBe(true);
        expect(filter.owner === null || /^([a-z0-9-]{1,63})$/.test(filter.owner)).toBe(true);
        expect(filter.template === null || /^[a-z0-9-]+$/.test(filter.template)).toBe(true);
        expect(INSTANCE_SORTS).toContain(sort);
        expect(["asc", "desc"]).toContain(order);
        expect(Number.isInteger(page) && page >= 1 && page <= MAX_PAGE).toBe(true);
      }),
    );
  });
});

describe("parseInstanceFilter", () => {
  it("reads the filters alone: sorting and paging are not filters", () => {
    expect(parseInstanceFilter({ template: "lab", failed: "1" })).toEqual({ ok: true, value: { ...NO_INSTANCE_FILTER, template: "lab", failed: true } });
    expect(parseInstanceFilter({ page: "2" })).toEqual({ ok: false, errors: { page: ["is not a filter of this list (use template, owner, phase, expiring, failed, show)"] } });
  });
});

describe("instanceListHref", () => {
  it("writes only what differs from the defaults, in a fixed order", () => {
    expect(instanceListHref({})).toBe("/admin/environments");
    expect(instanceListHref(DEFAULT_INSTANCE_QUERY)).toBe("/admin/environments");
    expect(instanceListHref({ filter: { show: "all", failed: true, template: "lab", owner: "-" }, sort: "expires", order: "asc", page: 2 })).toBe(
      "/admin/environments?template=lab&owner=-&failed=1&show=all&sort=expires&order=asc&page=2",
    );
    expect(instanceListHref({ filter: { phase: "Failed" } }, "/api/v1/admin/environments")).toBe("/api/v1/admin/environments?phase=Failed");
  });

  it("reads back as the query it was written from", () => {
    const query = fc.record({
      filter: fc.record({
        template: fc.option(fc.constantFrom("lab", "e2e-x", "a"), { nil: null }),
        owner: fc.option(fc.constantFrom("alice", "-", "class-1a"), { nil: null }),
        phase: fc.option(fc.constantFrom(...PHASES), { nil: null }),
        expiring: fc.option(fc.constantFrom("15m", "1h", "4h", "1d" as const), { nil: null }),
        failed: fc.boolean(),
        show: fc.constantFrom(...INSTANCE_SHOWS),
      }),
      sort: fc.constantFrom(...INSTANCE_SORTS),
      order: fc.constantFrom("asc" as const, "desc" as const),
      page: fc.integer({ min: 1, max: MAX_PAGE }),
    });
    fc.assert(
      fc.property(query, (q) => {
        const href = instanceListHref(q);
        const params = Object.fromEntries(new URL(href, "http://x").searchParams);
        expect(valueOf(params)).toEqual(q);
      }),
    );
  });
});

describe("the list's helpers", () => {
  it("sorts a column the other way when it is the sort already; newest and soonest first otherwise", () => {
    expect(nextSort(DEFAULT_INSTANCE_QUERY, "created")).toEqual({ sort: "created", order: "asc" });
    expect(nextSort(DEFAULT_INSTANCE_QUERY, "expires")).toEqual({ sort: "expires", order: "asc" });
    expect(nextSort({ ...DEFAULT_INSTANCE_QUERY, sort: "expires", order: "asc" }, "expires")).toEqual({ sort: "expires", order: "desc" });
    expect(nextSort({ ...DEFAULT_INSTANCE_QUERY, sort: "owner" }, "created")).toEqual({ sort: "created", order: "desc" });
  });

  it("counts pages, at least one", () => {
    expect([0, 1, 50, 51, 100, 101].map(pageCount)).toEqual([1, 1, 1, 2, 2, 3]);
  });

  it("says whether the list is narrowed and what a filter selects, in words", () => {
    expect(isInstanceListNarrowed(NO_INSTANCE_FILTER)).toBe(false);
    expect(isInstanceListNarrowed({ ...NO_INSTANCE_FILTER, show: "all" })).toBe(true);
    expect(describeInstanceFilter(NO_INSTANCE_FILTER)).toBe("environments");
    expect(describeInstanceFilter({ ...NO_INSTANCE_FILTER, template: "lab", phase: "Failed", owner: "ali", expiring: "1h" })).toBe(
      'Failed environments of lab whose owner contains "ali" expiring within 1h',
    );
    expect(describeInstanceFilter({ ...NO_INSTANCE_FILTER, failed: true, owner: "-" })).toBe("failed or failing environments that nobody claimed");
  });
});
