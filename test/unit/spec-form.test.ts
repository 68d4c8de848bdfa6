import { describe, expect, it } from "vitest";
import { TemplateError } from "@/lib/templates/errors";
import { specFormSchema, specFromForm } from "@/lib/templates/spec-form";
import { versionSpecSchema } from "@/lib/templates/spec";

const form = {
  name: "webterm",
  chartType: "git",
  repoUrl: "https://git.example.edu/charts",
  path: "charts/webterm",
  revision: "main",
  valuesTemplate: "a: {{ host }}\r\nb: 1\r\n",
  valueFiles: " values/a.yaml \n\n values/b.yaml\r\n",
  parameters: '{"type": "object", "properties": {"x": {"type": "string"}}}',
  connectionUrlTemplate: "",
  ownerClaim: "groups",
  extends: "",
  message: "m",
};

describe("the spec editor form", () => {
  it("becomes a spec the versioning service accepts", () => {
    const spec = specFromForm(specFormSchema.parse(form));
    expect(spec).toEqual({
      chart: { type: "git", repoUrl: "https://git.example.edu/charts", path: "charts/webterm", revision: "main" },
      valuesTemplate: "a: {{ host }}\nb: 1\n",
      valueFiles: ["values/a.yaml", "values/b.yaml"],
      parameters: { type: "object", properties: { x: { type: "string" } } },
      ownerClaim: "groups",
    });
    expect(versionSpecSchema.safeParse(spec).success).toBe(true);
  });

  it("uses the chart name for Helm and OCI sources", () => {
    expect(specFromForm(specFormSchema.parse({ ...form, chartType: "oci", repoUrl: "oci://r.example/c", chart: "jupyter", revision: "" })).chart).toEqual({
      type: "oci",
      repoUrl: "oci://r.example/c",
      chart: "jupyter",
    });
  });

  it("reports parameters that are not JSON against the parameters field", () => {
    try {
      specFromForm(specFormSchema.parse({ ...form, parameters: "{type: object" }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).issues[0]).toMatchObject({ path: "parameters", message: expect.stringMatching(/^is not valid JSON/) });
    }
  });

  it.each([
    [{ chartType: "svn" }, "chartType"],
    [{ repoUrl: "" }, "repoUrl"],
    [{ repoUrl: "x".repeat(3000) }, "repoUrl"],
    [{ valuesTemplate: "x".repeat(300 * 1024) }, "valuesTemplate"],
    [{ parameters: "x".repeat(70 * 1024) }, "parameters"],
    [{ message: "m".repeat(501) }, "message"],
    [{ name: undefined }, "name"],
    [{ valueFiles: 42 }, "valueFiles"],
  ])("refuses %j, naming the field", (over, field) => {
    const result = specFormSchema.safeParse({ ...form, ...over });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });
});
