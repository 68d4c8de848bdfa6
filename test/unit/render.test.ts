import { describe, expect, it } from "vitest";
import { TemplateError } from "@/lib/templates/errors";
import { CelExpression, checkValuesTemplate, renderValues } from "@/lib/templates/render";
import { baseContext } from "../fixtures/render-context";


async function errorOf(source: string, context = baseContext): Promise<TemplateError> {
  try {
    await renderValues(source, context);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error("expected a TemplateError");
}

describe("renderValues", () => {
  it("renders variables, keeping the types of whole-scalar outputs", async () => {
    const values = await renderValues(
      `ingress:\n  host: {{ host }}\nuser: {{ owner }}\nreplicas: {{ params.replicas }}\ndebug: {{ params.debug }}\nworkspace: {{ owner }}-workspace\nquoted: "{{ params.replicas }}"\n`,
      baseContext,
    );
    expect(values).toEqual({
      ingress: { host: baseContext.host },
      user: "alice",
      replicas: 2,
      debug: true,
      workspace: "alice-workspace",
      quoted: "2",
    });
  });

  it("supports conditionals, loops and the filters default, upper, lower, trim, replace and json", async () => {
    const source = [
      "{% if params.size == 'large' %}resources:\n  cpu: '2'\n{% endif %}",
      "groups:",
      "{% for g in claims.groups %}  - {{ g | upper }}\n{% endfor %}",
      "note: {{ params.note | default: 'none' }}",
      "lower: {{ template.displayName | lower }}",
      "trimmed: {{ '  x  ' | trim }}",
      "replaced: {{ params.shell | replace: '/bin/', '' }}",
      "asJson: {{ claims.groups | json }}",
      "registry: {{ config.values.registry.host }}",
    ].join("\n");
    expect(await renderValues(source, baseContext)).toEqual({
      resources: { cpu: "2" },
      groups: ["CLASS-1A", "CHESS"],
      note: "none",
      lower: "web terminal",
      trimmed: "x",
      replaced: "zsh",
      asJson: '["class-1a","chess"]',
      registry: "registry.example.edu",
    });
  });

  it("inserts structured values as data", async () => {
    expect(await renderValues("groups: {{ claims.groups }}\n", baseContext)).toEqual({ groups: ["class-1a", "chess"] });
  });

  it("keeps !cel scalars for later evaluation", async () => {
    const values = await renderValues("limit: !cel 'user.groups.size() * 2'\n", baseContext);
    expect(values.limit).toBeInstanceOf(CelExpression);
    expect((values.limit as CelExpression).expression).toBe("user.groups.size() * 2");
  });

  it("renders an empty template to no values", async () => {
    expect(await renderValues("", baseContext)).toEqual({});
    expect(await renderValues("# only a comment\n", baseContext)).toEqual({});
  });

  it("never produces an empty string for an unknown variable", async () => {
    const error = await errorOf("a: 1\nb: {{ parms.shell }}\n");
    expect(error.kind).toBe("render");
    expect(error.issues[0]).toMatchObject({ message: "unknown variable: parms", line: 2, column: 7 });
    expect((await errorOf("a: {{ params.nope }}\n")).issues[0]?.message).toMatch(/unknown variable: params.nope/);
  });

  it.each([
    ["an unclosed output", "a: {{ owner\n", /line 1/],
    ["an unclosed tag", "{% if owner %}\na: 1\n", /not closed/],
    ["an unknown tag", "{% frobnicate %}\n", /frobnicate/],
    ["an unknown filter", "a: {{ owner | shout }}\n", /shout/],
  ])("reports %s as a syntax error with its position", async (_, source, message) => {
    const error = await errorOf(source);
    expect(error.kind).toBe("syntax");
    expect(error.message).toMatch(message);
    expect(error.issues[0]?.line).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["raw filter", "a: {{ params.shell | raw }}\n"],
    ["include tag", "{% include 'secrets' %}\n"],
    ["render tag", "{% render '/etc/passwd' %}\n"],
  ])("refuses the %s, which would bypass escaping or read files", async (_, source) => {
    await expect(renderValues(source, baseContext)).rejects.toThrow(TemplateError);
  });

  it("reports invalid YAML in the author's text with its line", async () => {
    const error = await errorOf("a: 1\nb: [unclosed\n");
    expect(error.kind).toBe("yaml");
    expect(error.issues[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("refuses duplicate keys and non-mapping results", async () => {
    expect((await errorOf("a: 1\na: 2\n")).kind).toBe("yaml");
    expect((await errorOf("- a\n- b\n")).issues[0]?.message).toMatch(/must be a mapping/);
    expect((await errorOf("{{ owner }}: 1\nalice: 2\n")).issues[0]?.message).toMatch(/repeat the key "alice"/);
    // A value cannot add a key: the key set is fixed before values are inserted.
    expect(await renderValues("a: {{ params.shell }}\n", { ...baseContext, params: { shell: "x\nb: injected" } })).toEqual({ a: "x\nb: injected" });
  });

  it("refuses template output inside a !cel expression", async () => {
    expect((await errorOf("a: !cel '{{ params.shell }} + 1'\n")).kind).toBe("policy");
  });

  it("refuses unknown YAML tags", async () => {
    expect((await errorOf("a: !!js/function 'x'\n")).kind).toBe("yaml");
    expect((await errorOf("a: !secret x\n")).kind).toBe("yaml");
  });

  it("refuses oversized templates", async () => {
    expect((await errorOf(`a: "${"x".repeat(300 * 1024)}"\n`)).kind).toBe("size");
  });

  it("limits alias expansion (billion laughs)", async () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]"].join("\n");
    await expect(renderValues(bomb, baseContext)).rejects.toThrow();
  });
});

describe("checkValuesTemplate", () => {
  it("accepts known variables", () => {
    expect(() => checkValuesTemplate("a: {{ host }}\nb: {{ params.x }}\n", { pool: false })).not.toThrow();
  });

  it("refuses unknown top-level variables with the list of known ones", () => {
    expect(() => checkValuesTemplate("a: {{ Owner }}\n", { pool: false })).toThrow(/unknown variable "Owner" \(available: owner, uuid/);
  });

  it.each(["owner", "params.shell", "claims.email"])("refuses %s in a pool template", (variable) => {
    expect(() => checkValuesTemplate(`a: {{ ${variable} }}\n`, { pool: true })).toThrow(/pool templates cannot use/);
    expect(() => checkValuesTemplate(`{% if ${variable} %}a: 1{% endif %}\n`, { pool: true })).toThrow(/pool templates cannot use/);
  });

  it("lets pool templates use the instance's own variables", () => {
    expect(() => checkValuesTemplate("host: {{ host }}\nns: {{ namespace }}\nid: {{ uuid }}\n", { pool: true })).not.toThrow();
  });
});
