import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findNul, withoutNul } from "@/lib/domain/text";
import { TemplateError } from "@/lib/templates/errors";
import { launchParameters } from "@/lib/templates/parameters";
import { parseVersionSpec } from "@/lib/templates/spec";

const spec = (chart: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ chart, valuesTemplate: "", valueFiles: [], parameters: {}, ownerClaim: "", ...extra });

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe("chart sources", () => {
  it("reads Dploy's `type: helm` with an oci:// URL as an OCI source", () => {
    expect(parseVersionSpec(spec({ type: "helm", repoUrl: "oci://ghcr.io/example/charts", chart: "jupyterlab", revision: "0.3.1" })).chart).toEqual({
      type: "oci",
      repoUrl: "oci://ghcr.io/example/charts",
      chart: "jupyterlab",
      revision: "0.3.1",
    });
    expect(parseVersionSpec(spec({ type: "helm", repoUrl: "https://charts.example.edu", chart: "webterm" })).chart.type).toBe("helm");
  });

  it("still refuses what no source type accepts", () => {
    expect(issuesOf(() => parseVersionSpec(spec({ type: "oci", repoUrl: "https://charts.example.edu", chart: "x" })))).toEqual(["chart.repoUrl: an OCI registry URL starts with oci://"]);
    expect(issuesOf(() => parseVersionSpec(spec({ type: "helm", repoUrl: "ftp://charts.example.edu", chart: "x" })))).not.toEqual([]);
    expect(issuesOf(() => parseVersionSpec(spec({ type: "helm", repoUrl: 42, chart: "x" })))).not.toEqual([]);
    expect(issuesOf(() => parseVersionSpec(spec({ type: "svn", repoUrl: "oci://x/y", chart: "x" })))).not.toEqual([]);
  });
});

describe("NUL characters, which PostgreSQL cannot store", () => {
  it("are refused anywhere in a spec, naming the field", () => {
    expect(issuesOf(() => parseVersionSpec(spec({ type: "helm", repoUrl: "https://c.example", chart: "x" }, { valuesTemplate: "a: b\u0000" })))).toEqual([
      "valuesTemplate: must not contain a NUL character",
    ]);
    expect(issuesOf(() => parseVersionSpec(spec({ type: "helm", repoUrl: "https://c.example", chart: "x" }, { parameters: { properties: { "a\u0000": {} } } })))).toHaveLength(1);
  });

  it("are refused in launch parameters, as text or typed", () => {
    const schema = { type: "object", properties: { name: { type: "string" } } };
    expect(issuesOf(() => launchParameters(schema, { name: "x\u0000y" }))).toEqual(["params.name: must not contain a NUL character"]);
    expect(issuesOf(() => launchParameters(schema, { name: "\u0000" }, { asText: true }))).toEqual(["params.name: must not contain a NUL character"]);
    expect(launchParameters(schema, { name: "naïve ✓ 名前" })).toEqual({ name: "naïve ✓ 名前" });
  });

  it("are found in any string or key, and replaced where a record must be written whatever it holds", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const clean = withoutNul(value);
        expect(findNul(clean)).toBeNull();
        expect(findNul(value) === null).toBe(JSON.stringify(value) === JSON.stringify(clean));
      }),
    );
    expect(findNul({ a: [1, { b: "x\u0000" }] })).toBe("a[1].b");
    expect(withoutNul({ "k\u0000": ["\u0000"] })).toEqual({ "k\uFFFD": ["\uFFFD"] });
  });
});
