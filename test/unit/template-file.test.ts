import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { TemplateError, type TemplateIssue } from "@/lib/templates/errors";
import { checkTemplateFile, readTemplateFile, writeTemplateFile } from "@/lib/templates/template-file";
import { MAX_TEMPLATE_YAML_BYTES } from "@/lib/templates/yaml-source";
import type { ExportableTemplate } from "@/lib/domain/template-import";

/**
 * Template files as text: the limits of reading one (size, documents, aliases, tags, depth), telling the
 * formats apart by apiVersion and kind, and writing both formats.
 */

function problems(fn: () => unknown): TemplateIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error.issues;
    throw error;
  }
  throw new Error("expected a TemplateError");
}

const seed = readFileSync(path.join(import.meta.dirname, "../fixtures/dploy/webterm.yaml"), "utf8");

describe("reading YAML with limits", () => {
  it("refuses more than 1 MiB, counted in bytes", () => {
    const padding = `# ${"é".repeat(MAX_TEMPLATE_YAML_BYTES / 2)}\n`;
    expect(padding.length).toBeLessThan(MAX_TEMPLATE_YAML_BYTES);
    expect(problems(() => readTemplateFile(padding + seed))).toEqual([{ path: "yaml", message: "is larger than 1 MiB" }]);
  });

  it("refuses an anchor bomb without expanding it, at the line of its first alias", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) levels.push(`${"abcdefghi"[i]}: &${"abcdefghi"[i]} [${Array(9).fill(`*${"abcdefghi"[i - 1]}`).join(", ")}]`);
    const found = problems(() => readTemplateFile(levels.join("\n")));
    expect(found).toEqual([{ path: "yaml", line: 2, message: expect.stringMatching(/aliases/) }]);
  });

  it("refuses a few aliases that still expand into too much", () => {
    const text = ["a: &a [x, x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]"].join("\n");
    expect(problems(() => readTemplateFile(text))[0]).toMatchObject({ path: "yaml", message: expect.stringMatching(/cannot be read/) });
  });

  it("reads the handful of aliases real files use", () => {
    const text = seed.replace('  displayName: "Web Terminal"', '  displayName: &title "Web Terminal"').replace('  description: "Browser-based shell for students"', "  description: *title");
    expect(checkTemplateFile(readTemplateFile(text)).fields.description).toBe("Web Terminal");
  });

  it("refuses a second document, at its line", () => {
    expect(problems(() => readTemplateFile(`${seed}---\n${seed}`))).toEqual([{ path: "yaml", line: 38, message: expect.stringMatching(/more than one document/) }]);
  });

  it("refuses YAML errors with their line: duplicate keys, bad indentation, unknown tags", () => {
    expect(problems(() => readTemplateFile("kind: DployTemplate\nkind: Other\n"))).toEqual([{ path: "yaml", line: 2, column: 1, message: "Map keys must be unique" }]);
    expect(problems(() => readTemplateFile("a: [1, 2\nb: 3\n"))[0]).toMatchObject({ path: "yaml", line: 2 });
    expect(problems(() => readTemplateFile("apiVersion: !secret x\n"))[0]).toMatchObject({ path: "yaml", line: 1, message: expect.stringMatching(/Unresolved tag/) });
  });

  it("refuses values that are not plain data, and nesting deeper than any template needs", () => {
    expect(problems(() => readTemplateFile("a: !!binary aGVsbG8=\n"))[0]).toMatchObject({ path: "a", line: 1, message: expect.stringMatching(/not text, a number/) });
    expect(problems(() => readTemplateFile("kind: x\na: .inf\n"))[0]).toMatchObject({ path: "a", line: 2, message: "a is not a finite number" });
    expect(problems(() => readTemplateFile(`a: ${"[".repeat(40)}${"]".repeat(40)}\n`))[0]).toMatchObject({ message: expect.stringMatching(/nests deeper than 32/) });
  });

  it("refuses what is not a template file at all", () => {
    expect(problems(() => readTemplateFile(""))[0]!.message).toMatch(/is empty/);
    expect(problems(() => readTemplateFile("  \n# only a comment\n"))[0]!.message).toMatch(/is empty/);
    expect(problems(() => readTemplateFile("- a\n- b\n"))[0]!.message).toMatch(/must be a mapping/);
    expect(problems(() => readTemplateFile("just text"))[0]!.message).toMatch(/must be a mapping/);
    expect(problems(() => readTemplateFile(42))[0]!.message).toBe("must be YAML text");
    expect(problems(() => readTemplateFile(null))[0]!.message).toBe("must be YAML text");
  });

  it("reads a file with a byte-order mark, as editors on some systems save it", () => {
    expect(readTemplateFile(`\uFEFF${seed}`).draft.fields.name).toBe("webterm");
  });
});

describe("telling the formats apart", () => {
  it("refuses an unknown kind or apiVersion at its line, and a missing one", () => {
    expect(problems(() => readTemplateFile(seed.replace("kind: DployTemplate", "kind: Deployment")))).toEqual([
      { path: "kind", line: 3, message: expect.stringContaining('"Deployment" is not a template Envdeck imports') },
    ]);
    expect(problems(() => readTemplateFile(seed.replace("dploy.dev/v1alpha1", "dploy.dev/v2")))).toEqual([
      { path: "apiVersion", line: 2, message: expect.stringContaining("not a DployTemplate version") },
    ]);
    // A missing field is reported at the start of the document (line 2, after the fixture's comment).
    expect(problems(() => readTemplateFile(seed.replace("kind: DployTemplate\n", "")))).toEqual([{ path: "kind", line: 2, message: expect.stringContaining("is required") }]);
    expect(problems(() => readTemplateFile(seed.replace("apiVersion: dploy.dev/v1alpha1\n", "")))).toEqual([{ path: "apiVersion", line: 2, message: expect.stringContaining("is required") }]);
    expect(problems(() => readTemplateFile("apiVersion: dploy.dev/v1alpha1\nkind: DployTemplateList\nitems: []\n"))[0]!.message).toMatch(/one template at a time/);
    expect(problems(() => readTemplateFile("apiVersion: envdeck.dev/v9\nkind: Template\n"))[0]).toMatchObject({ path: "apiVersion", line: 1 });
    expect(problems(() => readTemplateFile("apiVersion: 1\nkind: [a]\n"))[0]).toMatchObject({ path: "kind", line: 2 });
  });
});

const template: ExportableTemplate = {
  name: "lab",
  displayName: "Lab «α»",
  description: "Line one\nline two: with a colon",
  icon: "code",
  category: "development,ide",
  enabled: false,
  visible: true,
  isBase: false,
  labels: { course: "cs-101" },
  annotations: { "example.com/note": "# not a comment" },
  engine: "flux",
  method: "pool",
  poolSize: 2,
  poolMaxSize: 5,
  poolRecycle: false,
  teacherAccess: true,
  poolFallback: "refuse",
  ttlSeconds: 3600,
  ttlExtendSeconds: 600,
  ttlMaxExtends: 2,
  maxInstancesPerUser: 1,
  connectionType: "instructions",
  connectionMessageTemplate: "ssh {{ owner }}@{{ host }}\n# then: cd lab",
  spec: {
    chart: { type: "git", repoUrl: "https://git.example.edu/charts.git", path: "charts/lab", revision: "v1.2.0" },
    valuesTemplate: "host: {{ host }}\nname: '{{ template.name }}'\n{% for i in (1..2) %}x{% endfor %}\n",
    valueFiles: ["values.yaml"],
    parameters: { type: "object", properties: { size: { type: "integer", minimum: 1, maximum: 4, default: 1 } }, required: ["size"] },
    connectionUrlTemplate: "https://{{ host }}/ide",
    ownerClaim: "groups",
    extends: "base-lab",
  },
  version: 7,
  checksum: "0".repeat(64),
};

describe("writing template files", () => {
  it("Envdeck YAML keeps everything, says where it came from, and reads back the same", () => {
    const file = writeTemplateFile(template, "envdeck");
    expect(file.filename).toBe("lab.envdeck.yaml");
    expect(file.lost).toEqual([]);
    expect(file.text.split("\n")[0]).toMatch(/^# Envdeck template "lab", exported from its version 7/);
    expect(parse(file.text)).toMatchObject({ apiVersion: "envdeck.dev/v1", kind: "Template", origin: { template: "lab", version: 7, checksum: template.checksum } });
    const back = readTemplateFile(file.text);
    expect(back.ignored).toEqual([{ path: "origin", line: expect.any(Number), message: expect.stringContaining("starts at version 1") }]);
    expect(back.adjusted).toEqual([]);
    const { spec, version: _v, checksum: _c, ...fields } = template;
    expect(checkTemplateFile(back)).toEqual({ fields, spec });
  });

  it("a DployTemplate says, in the file, what Dploy cannot express", () => {
    const file = writeTemplateFile(template, "dploy");
    expect(file.filename).toBe("lab.dploy.yaml");
    expect(file.lost).toEqual([
      expect.stringMatching(/^valuesTemplate, line 3: \{% for %\}/),
      expect.stringMatching(/^valuesTemplate, line 3: \{% endfor %\}/),
      expect.stringMatching(/^extends base-lab/),
      expect.stringMatching(/^pool fallback refuse/),
      expect.stringMatching(/^parameters: /),
    ]);
    const lines = file.text.split("\n");
    expect(lines[0]).toMatch(/^# DployTemplate exported by Envdeck from version 7 of "lab"/);
    for (const lost of file.lost) expect(lines).toContain(`#   - ${lost}`);
    const document = parse(file.text);
    expect(document.spec).toMatchObject({
      method: "pool",
      pool: { size: 2, maxSize: 5, recycle: false },
      chart: { type: "git", repoURL: "https://git.example.edu/charts.git", path: "charts/lab", targetRevision: "v1.2.0" },
      connectionURLTemplate: "https://{{ .Host }}/ide",
      parameters: [{ name: "size", default: "1", required: true }],
      ttl: { seconds: 3600, extendSeconds: 600, maxExtends: 2 },
      maxInstancesPerUser: 1,
      ownerClaim: "groups",
    });
    // Left in Liquid as a whole, since a half-translated template would be worse.
    expect(document.spec.valuesTemplate).toBe(template.spec.valuesTemplate);
  });

  it("an OCI chart is written as Dploy writes it: type helm with an oci:// URL", () => {
    const oci = { ...template, spec: { ...template.spec, chart: { type: "oci" as const, repoUrl: "oci://ghcr.io/x/charts", chart: "lab", revision: "1.0.0" } } };
    expect(parse(writeTemplateFile(oci, "dploy").text).spec.chart).toEqual({ type: "helm", repoURL: "oci://ghcr.io/x/charts", chart: "lab", targetRevision: "1.0.0" });
  });
});

describe("template text that is only white space", () => {
  it("is written so that it reads back the same: the YAML writer's block style would drop a leading space", () => {
    for (const valuesTemplate of [" \n", "  \n \n", "\t\n"]) {
      for (const format of ["envdeck", "dploy"] as const) {
        const file = writeTemplateFile({ ...template, isBase: false, spec: { ...template.spec, extends: undefined, valuesTemplate } }, format);
        expect(checkTemplateFile(readTemplateFile(file.text)).spec.valuesTemplate, `${format} ${JSON.stringify(valuesTemplate)}`).toBe(valuesTemplate);
      }
    }
  });
});

describe("an Envdeck template file without a ttl", () => {
  it("takes the portal's default lifetime, and the report says which", () => {
    const text = [
      "apiVersion: envdeck.dev/v1",
      "kind: Template",
      "metadata:",
      "  name: lab",
      "spec:",
      "  displayName: Lab",
      "  version:",
      "    chart: { type: helm, repoUrl: https://charts.example.edu, chart: lab, revision: 1.0.0 }",
    ].join("\n");
    const lifetime = { ttlSeconds: 90 * 60, extendSeconds: 0, maxExtends: 0 };
    const file = readTemplateFile(text, lifetime);
    expect(checkTemplateFile(file, lifetime).fields).toMatchObject({ ttlSeconds: 5400, ttlExtendSeconds: 0, ttlMaxExtends: 0 });
    expect(file.adjusted).toEqual([{ path: "spec", line: 5, message: "has no ttl: the portal's default lifetime applies (90 minutes, no extensions)" }]);
    // A file that says its lifetime keeps it, and nothing is reported.
    const given = readTemplateFile(`${text}\n  ttl: { seconds: 600 }\n`, lifetime);
    expect(checkTemplateFile(given, lifetime).fields.ttlSeconds).toBe(600);
    expect(given.adjusted).toEqual([]);
  });
});
