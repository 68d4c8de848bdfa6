import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TemplateError, type TemplateIssue } from "@/lib/templates/errors";
import { checkTemplateFile, readTemplateFile, type TemplateFile } from "@/lib/templates/template-file";

/**
 * DployTemplate import (lib/templates/dploy.ts): every field of Dploy's documented DployTemplate is mapped or
 * reported as left out with a reason, and every problem names its field and line in the file.
 */

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "../fixtures/dploy", name), "utf8");

function problems(fn: () => unknown): TemplateIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error.issues;
    throw error;
  }
  throw new Error("expected a TemplateError");
}

/** A DployTemplate around the given spec lines (indented by two spaces already). */
function dploy(spec: string, metadata = "  name: lab\n"): string {
  return `apiVersion: dploy.dev/v1alpha1\nkind: DployTemplate\nmetadata:\n${metadata}spec:\n${spec}`;
}

const chart = "  chart:\n    type: helm\n    repoURL: https://charts.example.edu\n    chart: lab\n    targetRevision: 1.0.0\n";

function read(text: string): TemplateFile & { checked: ReturnType<typeof checkTemplateFile> } {
  const file = readTemplateFile(text);
  return { ...file, checked: checkTemplateFile(file) };
}

describe("the DployTemplate example of Dploy's documentation", () => {
  it("maps every field it sets, rewrites its Go template, and says only the namespace is left out", () => {
    const file = read(fixture("webterm.yaml"));
    expect(file.format).toBe("dploy");
    expect(file.checked.fields).toEqual({
      name: "webterm",
      displayName: "Web Terminal",
      description: "Browser-based shell for students",
      icon: "terminal",
      category: "learning,linux",
      enabled: true,
      visible: true,
      isBase: false,
      labels: {},
      annotations: {},
      engine: "flux",
      method: "on_demand",
      poolSize: 0,
      poolMaxSize: 0,
      poolRecycle: true,
      teacherAccess: false,
      poolFallback: "on_demand",
      ttlSeconds: 86400,
      ttlExtendSeconds: 7200,
      ttlMaxExtends: 5,
      maxInstancesPerUser: null,
      connectionType: "web",
      connectionMessageTemplate: "",
    });
    expect(file.checked.spec).toEqual({
      chart: { type: "git", repoUrl: "https://github.com/AYDEV-FR/dploy-charts", path: "charts/webterm", revision: "main" },
      valuesTemplate: 'ingress:\n  enabled: true\n  host: "{{ host }}"\nuser: "{{ owner }}"\n',
      valueFiles: [],
      parameters: [{ name: "shell", description: "Login shell", default: "/bin/bash" }],
      ownerClaim: "",
    });
    expect(file.ignored).toEqual([{ path: "metadata.namespace", line: 6, message: expect.stringContaining("in no namespace") }]);
    expect(file.adjusted).toEqual([{ path: "spec.valuesTemplate", line: 23, message: expect.stringContaining("2 expressions") }]);
  });
});

describe("every field Dploy documents", () => {
  const file = read(fixture("every-field.yaml"));

  it("are carried over: metadata, UI fields, owner claim, pool, engine, OCI chart, values, files, URL, TTL, quota", () => {
    expect(file.checked.fields).toMatchObject({
      name: "team-notebook",
      labels: { course: "data-101", "example.com/tier": "gold" },
      annotations: { "example.com/owner-team": "Data science" },
      displayName: "Team notebook",
      description: "JupyterLab shared by each project group",
      icon: "book",
      category: "data science,notebooks",
      enabled: true,
      visible: false,
      method: "pool",
      poolSize: 3,
      poolMaxSize: 10,
      poolRecycle: true,
      teacherAccess: false,
      engine: "flux",
      ttlSeconds: -1,
      ttlExtendSeconds: 7200,
      ttlMaxExtends: 5,
      maxInstancesPerUser: 2,
    });
    expect(file.checked.spec).toEqual({
      ownerClaim: "groups",
      chart: { type: "oci", repoUrl: "oci://ghcr.io/aydev-fr/charts", chart: "jupyter", revision: "1.2.3" },
      valuesTemplate:
        'sessionId: "{{ uuid }}"\ningress:\n  host: "{{ host }}"\n{%- if config.values.tier == "large" %}\nresources:\n  limits: { cpu: "2", memory: 4Gi }\n{%- endif %}\n',
      valueFiles: ["values/base.yaml", "values/notebook.yaml"],
      parameters: { type: "object", properties: {} },
      connectionUrlTemplate: "https://{{ uuid }}.lab.example.com",
    });
  });

  it("that Envdeck has no use for are listed with the reason and the line, in the order of the file", () => {
    expect(file.ignored.map((note) => [note.line, note.path])).toEqual([
      [7, "metadata.namespace"],
      [8, "metadata.uid"],
      [9, "metadata.resourceVersion"],
      [10, "metadata.generation"],
      [11, "metadata.creationTimestamp"],
      [17, 'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]'],
      [55, "status"],
    ]);
    for (const note of file.ignored) expect(note.message.length, note.path).toBeGreaterThan(20);
    expect(file.ignored.find((n) => n.path === "status")?.message).toMatch(/Dploy's controller/);
    expect(file.ignored.find((n) => n.path === "metadata.uid")?.message).toMatch(/Kubernetes/);
  });

  it("read with a change say what changed", () => {
    expect(file.adjusted.map((note) => [note.line, note.path])).toEqual([
      [33, "spec.chart.type"],
      [37, "spec.valuesTemplate"],
      [48, "spec.connectionURLTemplate"],
    ]);
    expect(file.adjusted[0]!.message).toMatch(/OCI registry/);
  });
});

describe("chart sources", () => {
  const chartOf = (lines: string) => read(dploy(`  chart:\n${lines}`)).checked.spec.chart;

  it("reads git, helm and OCI charts as Dploy's documentation writes them", () => {
    expect(chartOf("    type: git\n    repoURL: https://github.com/AYDEV-FR/dploy-charts\n    path: charts/vscode\n    targetRevision: main\n")).toEqual({
      type: "git",
      repoUrl: "https://github.com/AYDEV-FR/dploy-charts",
      path: "charts/vscode",
      revision: "main",
    });
    expect(chartOf('    type: helm\n    repoURL: https://charts.bitnami.com/bitnami\n    chart: postgresql\n    targetRevision: "15.5.0"\n')).toEqual({
      type: "helm",
      repoUrl: "https://charts.bitnami.com/bitnami",
      chart: "postgresql",
      revision: "15.5.0",
    });
    expect(chartOf('    type: helm\n    repoURL: oci://ghcr.io/aydev-fr/charts\n    chart: jupyter\n    targetRevision: "1.2.3"\n')).toEqual({
      type: "oci",
      repoUrl: "oci://ghcr.io/aydev-fr/charts",
      chart: "jupyter",
      revision: "1.2.3",
    });
  });

  it("takes git as the default type and main as the default revision, as Dploy does, and says so", () => {
    const file = read(dploy("  chart:\n    repoURL: https://git.example.edu/charts.git\n    path: charts/lab\n"));
    expect(file.checked.spec.chart).toEqual({ type: "git", repoUrl: "https://git.example.edu/charts.git", path: "charts/lab", revision: "main" });
    expect(file.adjusted.map((n) => n.message).join(" ")).toMatch(/branch main/);
  });

  it("reads a branch, a tag or a version written instead of targetRevision", () => {
    const git = (key: string, value: string) => chartOf(`    type: git\n    repoURL: https://git.example.edu/c.git\n    path: lab\n    ${key}: ${value}\n`);
    expect(git("branch", "develop")).toMatchObject({ revision: "develop" });
    // Envdeck reads a version-like revision as a tag: a branch of that name says so explicitly.
    expect(git("branch", "v2")).toMatchObject({ revision: "refs/heads/v2" });
    expect(git("tag", "v1.4.0")).toMatchObject({ revision: "v1.4.0" });
    expect(git("tag", "stable")).toMatchObject({ revision: "refs/tags/stable" });
    expect(chartOf("    type: helm\n    repoURL: https://charts.example.edu\n    chart: lab\n    version: 2.0.1\n")).toMatchObject({ revision: "2.0.1" });
  });

  it("leaves out what does not apply to the chart's type, with the reason", () => {
    const file = read(dploy("  chart:\n    type: helm\n    repoURL: https://charts.example.edu\n    chart: lab\n    path: charts/lab\n    branch: main\n    color: blue\n"));
    expect(file.ignored.map((n) => [n.path, n.line])).toEqual([
      ["spec.chart.path", 10],
      ["spec.chart.branch", 11],
      ["spec.chart.color", 12],
    ]);
    expect(file.ignored[0]!.message).toMatch(/git repository/);
    expect(file.ignored[2]!.message).toMatch(/not a DployTemplate field/);
  });

  it("refuses a revision given twice, an unknown type and missing parts, at their lines", () => {
    expect(problems(() => readTemplateFile(dploy("  chart:\n    type: git\n    repoURL: https://g.example/c.git\n    path: x\n    targetRevision: main\n    branch: dev\n")))).toEqual([
      { path: "spec.chart.branch", line: 11, message: expect.stringContaining("either targetRevision or branch") },
    ]);
    expect(problems(() => readTemplateFile(dploy("  chart:\n    type: svn\n    repoURL: https://g.example/c\n")))).toEqual([
      { path: "spec.chart.type", line: 7, message: expect.stringContaining("git or helm") },
    ]);
    expect(problems(() => readTemplateFile(dploy("  chart:\n    type: helm\n")))).toEqual([
      { path: "spec.chart.repoURL", line: 6, message: "is required" },
      { path: "spec.chart.chart", line: 6, message: expect.stringContaining("is required") },
    ]);
    expect(problems(() => readTemplateFile(dploy("  displayName: Lab\n")))).toEqual([{ path: "spec.chart", line: 5, message: expect.stringContaining("is required") }]);
  });
});

describe("fields read with a change", () => {
  it("0 in ttl means Dploy's default: Envdeck's applies; -1 extensions, unlimited in Dploy, becomes the most Envdeck allows", () => {
    const file = read(dploy(`${chart}  ttl:\n    seconds: 0\n    extendSeconds: 0\n    maxExtends: -1\n`));
    expect(file.checked.fields).toMatchObject({ ttlSeconds: 14400, ttlExtendSeconds: 3600, ttlMaxExtends: 100 });
    const ttl = file.adjusted.filter((n) => n.path.startsWith("spec.ttl"));
    expect(ttl.map((n) => n.path)).toEqual(["spec.ttl.seconds", "spec.ttl.extendSeconds", "spec.ttl.maxExtends"]);
    expect(ttl[2]!.message).toMatch(/unlimited/);
  });

  it("a missing ttl, or 0, takes the portal's default lifetime and the report words that lifetime", () => {
    const lifetime = { ttlSeconds: 2 * 86_400, extendSeconds: 1800, maxExtends: 1 };
    const missing = readTemplateFile(dploy(chart), lifetime);
    expect(checkTemplateFile(missing, lifetime).fields).toMatchObject({ ttlSeconds: 172_800, ttlExtendSeconds: 1800, ttlMaxExtends: 1 });
    expect(missing.adjusted.find((n) => n.path === "spec" && /ttl/.test(n.message))!.message).toBe(
      "has no ttl: Envdeck's defaults apply (2 days, extended by 30 minutes once)",
    );
    const zero = readTemplateFile(dploy(`${chart}  ttl:\n    seconds: 0\n    extendSeconds: 0\n    maxExtends: 0\n`), lifetime);
    expect(checkTemplateFile(zero, lifetime).fields).toMatchObject({ ttlSeconds: 172_800, ttlExtendSeconds: 1800, ttlMaxExtends: 1 });
    expect(zero.adjusted.filter((n) => n.path.startsWith("spec.ttl")).map((n) => n.message)).toEqual([
      "0 means Dploy's default: Envdeck's default applies (2 days)",
      "0 means Dploy's default: Envdeck's default applies (30 minutes)",
      "0 means Dploy's default: Envdeck's default applies (1 time)",
    ]);
    const unlimited = readTemplateFile(dploy(chart), { ttlSeconds: -1, extendSeconds: 0, maxExtends: 0 });
    expect(unlimited.adjusted.find((n) => n.path === "spec" && /ttl/.test(n.message))!.message).toBe("has no ttl: Envdeck's defaults apply (unlimited)");
  });

  it("an icon Envdeck does not have becomes the default one; a missing display name is the name", () => {
    const file = read(dploy(`  icon: rocket\n${chart}`));
    expect(file.checked.fields).toMatchObject({ icon: "default", displayName: "lab" });
    expect(file.adjusted.map((n) => n.path)).toEqual(expect.arrayContaining(["spec.icon", "spec"]));
    expect(read(dploy(`  displayName: ""\n${chart}`)).checked.fields.displayName).toBe("lab");
  });

  it("parameter defaults written as numbers or booleans are read as the text Dploy gives them", () => {
    const file = read(dploy(`${chart}  parameters:\n    - name: cpus\n      default: 2\n      required: true\n    - name: debug\n      default: false\n      secret: yes\n`));
    expect(file.checked.spec.parameters).toEqual([
      { name: "cpus", default: "2", required: true },
      { name: "debug", default: "false" },
    ]);
    expect(file.ignored).toEqual([{ path: "spec.parameters[1].secret", line: 17, message: expect.stringContaining("not a DployTemplate field") }]);
  });

  it("argocd is left out (Envdeck installs with Flux)", () => {
    const file = read(dploy(`  engine: argocd\n${chart}`));
    expect(file.checked.fields.engine).toBe("flux");
    expect(file.ignored.map((n) => n.path)).toEqual(["spec.engine"]);
  });

  it("instructions keep their type and their message, rewritten from Go templates to Liquid", () => {
    const file = read(dploy(`  connectionType: instructions\n  connectionMessageTemplate: ssh {{ .Owner }}@{{ .UUID }}.lab\n${chart}`));
    expect(file.checked.fields.connectionType).toBe("instructions");
    expect(file.checked.fields.connectionMessageTemplate).toBe("ssh {{ owner }}@{{ uuid }}.lab");
    expect(file.ignored).toEqual([]);
  });

  it("a connection type Envdeck does not have is refused at its line; instructions without a message too", () => {
    expect(problems(() => read(dploy(`  connectionType: ssh\n${chart}`)))).toEqual([
      { path: "spec.connectionType", line: expect.any(Number), message: "Choose web or instructions." },
    ]);
    expect(problems(() => read(dploy(`  connectionType: instructions\n${chart}`)))).toEqual([
      { path: "connectionMessageTemplate", message: "Write the instructions students see, or choose Web." },
    ]);
  });
});

describe("Go templates", () => {
  const values = (template: string) => read(dploy(`${chart}  valuesTemplate: |\n${template.replace(/^/gm, "    ")}\n`)).checked.spec.valuesTemplate;

  it("become Liquid: variables, functions, pipes, conditions and trim markers", () => {
    expect(values('workspaceName: "{{ .Owner }}-workspace"\nsessionId: "{{ .UUID }}"\nemail: "{{ .Claims.email }}"')).toBe(
      'workspaceName: "{{ owner }}-workspace"\nsessionId: "{{ uuid }}"\nemail: "{{ claims.email }}"\n',
    );
    expect(values('{{- if eq .Params.size "large" }}\nresources:\n  limits: { cpu: "2", memory: 4Gi }\n{{- end }}')).toBe(
      '{%- if params.size == "large" %}\nresources:\n  limits: { cpu: "2", memory: 4Gi }\n{%- endif %}\n',
    );
    expect(values('a: {{ .Params.x | default "y" | upper }}\nb: {{ default "z" .Params.w }}\nc: {{ replace "-" "_" .Owner }}\nd: {{ .Config.Values.x | toJson }}')).toBe(
      'a: {{ params.x | default: "y" | upper }}\nb: {{ params.w | default: "z" }}\nc: {{ owner | replace: "-", "_" }}\nd: {{ config.values.x | json }}\n',
    );
    expect(values("{{ if .Params.debug }}debug: true{{ else if not .Params.quiet }}verbose: true{{ else }}quiet: true{{ end }}")).toBe(
      "{% if params.debug != blank %}debug: true{% elsif params.quiet == blank %}verbose: true{% else %}quiet: true{% endif %}\n",
    );
    expect(values('{{ if and (eq .Params.a "1") .Params.b }}x: 1{{ end }}')).toBe('{% if params.a == "1" and params.b != blank %}x: 1{% endif %}\n');
    expect(values("{{/* a comment */}}plain: text")).toBe("plain: text\n");
  });

  it("drop quote, which Envdeck does not need, and say so", () => {
    const file = read(dploy(`${chart}  valuesTemplate: |\n    user: {{ .Owner | quote }}\n`));
    expect(file.checked.spec.valuesTemplate).toBe("user: {{ owner }}\n");
    expect(file.adjusted.find((n) => n.path === "spec.valuesTemplate")?.message).toMatch(/quote was left out/);
  });

  it("refuse what has no Envdeck equivalent, at its line in the file", () => {
    const text = dploy(`${chart}  valuesTemplate: |\n    a: 1\n    {{ range .Params.list }}\n    - {{ . }}\n    {{ end }}\n    url: {{ .BaseDomain }}\n`);
    const found = problems(() => readTemplateFile(text));
    expect(found.map((p) => [p.path, p.line])).toEqual([
      ["spec.valuesTemplate", 13],
      ["spec.valuesTemplate", 14],
      ["spec.valuesTemplate", 15],
      ["spec.valuesTemplate", 16],
    ]);
    expect(found[0]!.message).toMatch(/range has no Envdeck equivalent/);
    expect(found[3]!.message).toMatch(/\.BaseDomain/);
  });

  it("refuse variables, printf, include, unknown fields and Liquid's own tag opener in the text", () => {
    for (const [template, message] of [
      ["{{ $x := .Owner }}", /variables/],
      ['{{ printf "%s" .Owner }}', /printf/],
      ['{{ include "x" . }}', /include/],
      ["{{ .Secrets.token }}", /not a variable Envdeck knows/],
      ["{{ .Owner.name }}", /no Envdeck equivalent/],
      ["a: {% raw %}", /starts a tag in Liquid/],
      ["{{ .Owner", /not closed/],
      ["{{ if .Params.a }}x", /if has no end/],
      ["{{ end }}", /end without if/],
      ["{{ if or (and .Params.a .Params.b) .Params.c }}x{{ end }}", /no parentheses/],
    ] as const) {
      const found = problems(() => readTemplateFile(dploy(`${chart}  valuesTemplate: '${template.replace(/'/g, "''")}'\n`)));
      expect(found[0]?.message, template).toMatch(message);
      expect(found[0]?.line, template).toBe(11);
    }
  });

  it("translate the connection URL template too", () => {
    const file = read(dploy(`${chart}  connectionURLTemplate: "https://{{ .Owner }}-{{ .UUID }}.lab.example.com"\n`));
    expect(file.checked.spec.connectionUrlTemplate).toBe("https://{{ owner }}-{{ uuid }}.lab.example.com");
  });
});

describe("bad input", () => {
  it("is refused at the field and line: wrong types, out of range, overlong, markup and injection in names", () => {
    const text = dploy(
      `  displayName: "${"x".repeat(101)}"\n  enabled: "yes"\n  visible: 1\n  maxInstancesPerUser: 5000\n  category: "a,b,c"\n  labels: ignored\n${chart}  ttl:\n    seconds: 99999999999\n    extendSeconds: -5\n  valueFiles: ["/etc/passwd"]\n  pool:\n    size: 500\n`,
      `  name: "x'; DROP TABLE templates;--"\n  labels:\n    "<b>": "v"\n  annotations: [1, 2]\n`,
    );
    const file = readTemplateFile(text);
    const found = problems(() => checkTemplateFile(file));
    expect(found.map((p) => `${p.line} ${p.path}`)).toEqual([
      "4 metadata.name",
      '6 metadata.labels["<b>"]',
      "7 metadata.annotations",
      "9 spec.displayName",
      "10 spec.enabled",
      "11 spec.visible",
      "12 spec.maxInstancesPerUser",
      "13 spec.category",
      "21 spec.ttl.seconds",
      "22 spec.ttl.extendSeconds",
      "23 spec.valueFiles",
      "25 spec.pool.size",
    ]);
    expect(found[0]!.message).toMatch(/lowercase letters, digits and dashes/);
    // spec.labels is not a DployTemplate field: left out, not an error.
    expect(file.ignored.map((n) => n.path)).toContain("spec.labels");
  });

  it("refuses unicode and reserved names, and says which", () => {
    expect(problems(() => read(dploy(chart, "  name: wébterm\n")))[0]).toMatchObject({ path: "metadata.name", line: 4 });
    expect(problems(() => read(dploy(chart, "  name: new\n")))[0]).toMatchObject({ path: "metadata.name", message: expect.stringContaining("reserved") });
    expect(problems(() => read(dploy(chart, `  name: ${"a".repeat(41)}\n`)))[0]).toMatchObject({ message: "is at most 40 characters" });
  });

  it("refuses missing fields at the nearest line", () => {
    expect(problems(() => readTemplateFile(dploy(chart, "  namespace: x\n")))).toEqual([{ path: "metadata.name", line: 3, message: "is required" }]);
    expect(problems(() => readTemplateFile("apiVersion: dploy.dev/v1alpha1\nkind: DployTemplate\nmetadata:\n  name: lab\n"))).toEqual([{ path: "spec", line: 1, message: "is required" }]);
    expect(problems(() => readTemplateFile(dploy(`  method: pool\n${chart}`)))).toEqual([{ path: "spec.pool", line: 5, message: "is required when method is pool" }]);
    expect(problems(() => readTemplateFile(dploy(`  method: warm\n${chart}`)))).toEqual([{ path: "spec.method", line: 6, message: "must be on-demand or pool" }]);
    expect(problems(() => readTemplateFile(dploy(`${chart}  parameters:\n    - description: no name\n    - 42\n`)))).toEqual([
      { path: "spec.parameters[0]", line: 12, message: "needs a name" },
      { path: "spec.parameters[1]", line: 13, message: expect.stringContaining("must be a parameter") },
    ]);
  });
});
