import { describe, expect, it } from "vitest";
import { checkCelSyntax, evaluateCel, type CelScope } from "@/lib/templates/cel";
import { TemplateError } from "@/lib/templates/errors";
import { CelExpression, renderValues } from "@/lib/templates/render";
import { baseContext } from "../fixtures/render-context";

const scope: CelScope = {
  user: { name: "alice", groups: ["class-1a", "chess"], email: "alice@example.edu" },
  workspace: { name: "alice-webterm", namespace: "alice-webterm-a1b2c3d4", uuid: "a1b2c3d4" },
  metadata: {
    name: "webterm",
    version: 3,
    owner: "alice",
    namespace: "alice-webterm-a1b2c3d4",
    labels: { tier: "gold" },
    annotations: { "example.edu/course": "linux" },
  },
  template: { name: "webterm", version: 3 },
};

describe("evaluateCel", () => {
  it("evaluates !cel scalars anywhere in the values against the scope", async () => {
    const values = await renderValues(
      [
        "replicas: !cel 'user.groups.size() + 1'",
        "resources:",
        "  memory: !cel 'metadata.labels.tier == \"gold\" ? \"8Gi\" : \"2Gi\"'",
        "names: [!cel 'user.name.upperAscii()', plain]",
        "course: !cel 'metadata.annotations[\"example.edu/course\"]'",
        "isChess: !cel '\"chess\" in user.groups'",
        "ws: !cel 'workspace.name + \"-\" + string(template.version)'",
        "host: {{ host }}",
      ].join("\n"),
      baseContext,
    );
    expect(evaluateCel(values, scope)).toEqual({
      replicas: 3,
      resources: { memory: "8Gi" },
      names: ["ALICE", "plain"],
      course: "linux",
      isChess: true,
      ws: "alice-webterm-3",
      host: baseContext.host,
    });
  });

  it("reports type errors, unknown variables and syntax errors with the path, all at once", () => {
    try {
      evaluateCel(
        {
          a: new CelExpression("user.name + 1"),
          b: { c: [new CelExpression("nope.x")] },
          d: new CelExpression("user.name +"),
        },
        scope,
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      const issues = (error as TemplateError).issues;
      expect(issues.map((i) => i.path)).toEqual(["values.a", "values.b.c[0]", "values.d"]);
      expect(issues[0]?.message).toMatch(/^CEL: no such overload/);
      expect(issues[1]?.message).toMatch(/^CEL: Unknown variable: nope/);
      expect(issues[2]?.message).toMatch(/^CEL: Unexpected token/);
    }
  });

  it("refuses oversized expressions and integers JSON cannot hold", () => {
    expect(() => evaluateCel({ a: new CelExpression(`"${"x".repeat(5000)}"`) }, scope)).toThrow(/at most 4096 characters/);
    expect(() => evaluateCel({ a: new CelExpression("9223372036854775807") }, scope)).toThrow(/too large for JSON/);
  });

  it("leaves values without !cel untouched", () => {
    expect(evaluateCel({ a: 1, b: ["x"], c: { d: null } }, scope)).toEqual({ a: 1, b: ["x"], c: { d: null } });
  });

  it("reads the instance's metadata: template, version, owner key and namespace", () => {
    const values = { a: new CelExpression('metadata.name + ":" + string(metadata.version) + ":" + metadata.owner + "@" + metadata.namespace') };
    expect(evaluateCel(values, scope)).toEqual({ a: "webterm:3:alice@alice-webterm-a1b2c3d4" });
  });
});

describe("checkCelSyntax", () => {
  it("accepts valid expressions and refuses broken ones with the path", () => {
    expect(() => checkCelSyntax({ a: new CelExpression("user.name") })).not.toThrow();
    expect(() => checkCelSyntax({ a: [new CelExpression("(")] })).toThrow(/values\.a\[0\]: CEL:/);
  });
});
