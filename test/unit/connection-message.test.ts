import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkMessageTemplate, MAX_MESSAGE_OUTPUT, plainTextOutput, renderConnectionMessage } from "@/lib/templates/connection";
import { renderFor } from "@/lib/templates/compose";
import { NO_INSTANCE_UUID, VALIDATION_USER } from "@/lib/templates/context";
import { TemplateError } from "@/lib/templates/errors";
import { composeSpec, resolveChain } from "@/lib/templates/inheritance";
import { baseContext } from "@/test/fixtures/render-context";
import { HOSTILE_VALUES } from "@/test/fixtures/hostile-values";

const TEMPLATE = "Connect with:\n  ssh {{ params.shell }}@{{ host }}\nThen type your password.";
/** Characters that would let a value start a line, reorder text or hide itself. */
const FORBIDDEN_IN_OUTPUT = /[\p{Cc}\u0085\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

describe("connection messages", () => {
  it("render the author's lines with the instance's context", async () => {
    expect(await renderConnectionMessage(TEMPLATE, baseContext)).toBe(`Connect with:\n  ssh /bin/zsh@${baseContext.host}\nThen type your password.`);
    expect(await renderConnectionMessage("{{ template.displayName | upper }} at {{ url }}\r\n", baseContext)).toBe(`WEB TERMINAL at ${baseContext.url}`);
  });

  it("keep every hostile value on the line the author put it on, visible and bounded", async () => {
    for (const value of HOSTILE_VALUES) {
      const message = await renderConnectionMessage(TEMPLATE, { ...baseContext, params: { ...baseContext.params, shell: value } });
      const lines = message.split("\n");
      expect(lines, JSON.stringify(value).slice(0, 80)).toHaveLength(3);
      expect(lines[0]).toBe("Connect with:");
      expect(lines[2]).toBe("Then type your password.");
      expect(lines[1]!.startsWith("  ssh ")).toBe(true);
      expect(FORBIDDEN_IN_OUTPUT.test(lines[1]!)).toBe(false);
    }
  });

  it("escape any value to one visible line of bounded length (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 2000 }), fc.jsonValue()), (value) => {
        const out = plainTextOutput(value);
        expect(FORBIDDEN_IN_OUTPUT.test(out)).toBe(false);
        expect(Array.from(out).length).toBeLessThanOrEqual(MAX_MESSAGE_OUTPUT);
      }),
    );
    // Markup stays text: the message is shown as text, never as HTML.
    expect(plainTextOutput('<img src=x onerror="alert(1)">')).toBe('<img src=x onerror="alert(1)">');
    expect(plainTextOutput("a\u202Egnp.exe")).toBe("a\uFFFDgnp.exe");
    expect(plainTextOutput({ a: [1, "x\ny"] })).toBe('{"a":[1,"x\\ny"]}');
  });

  it("have no way around the escaping or to files, and refuse unknown variables and bad syntax", async () => {
    const hostile = { ...baseContext, params: { ...baseContext.params, shell: "x\nFAKE LINE" } };
    await expect(renderConnectionMessage("{{ params.shell | raw }}", hostile)).rejects.toThrow(/raw filter is not available/);
    await expect(renderConnectionMessage("{% include 'package.json' %}", baseContext)).rejects.toThrow(/include tag is not available/);
    // Captured and assigned values are still escaped when they come out.
    expect(await renderConnectionMessage("{% capture c %}{{ params.shell }}{% endcapture %}{{ c }}", hostile)).toBe("x FAKE LINE");
    expect(await renderConnectionMessage("{% assign s = params.shell %}{{ s }}", hostile)).toBe("x FAKE LINE");
    await expect(renderConnectionMessage("{{ hostname }}", baseContext)).rejects.toBeInstanceOf(TemplateError);
    await expect(renderConnectionMessage("{{ host", baseContext)).rejects.toThrow(TemplateError);
    await expect(renderConnectionMessage("x".repeat(4001), baseContext)).rejects.toThrow(/at most 4000/);
  });

  it("are checked at save: known variables only, and none of a user's in a pool template", () => {
    expect(() => checkMessageTemplate(TEMPLATE, { pool: false })).not.toThrow();
    expect(() => checkMessageTemplate("{{ hostname }}", { pool: false })).toThrow(/unknown variable "hostname"/);
    expect(() => checkMessageTemplate(TEMPLATE, { pool: true })).toThrow(/pool templates cannot use "params"/);
    expect(() => checkMessageTemplate("ssh {{ host }} as {{ owner }}", { pool: true })).toThrow(/cannot use "owner"/);
    expect(() => checkMessageTemplate("ssh {{ host }}", { pool: true })).not.toThrow();
    expect(() => checkMessageTemplate("{% if %}", { pool: false })).toThrow(TemplateError);
  });

  it("are rendered by renderFor for instructions templates only, with the final URL", async () => {
    const chain = resolveChain("lab", (name) =>
      name === "lab"
        ? { name, isBase: false, spec: { chart: { type: "helm", repoUrl: "https://c.example", chart: "x" }, valuesTemplate: "a: 1\n", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" } }
        : undefined,
    );
    const template = {
      name: "lab",
      displayName: "Lab",
      labels: {},
      annotations: {},
      latest: { version: 1 },
      composed: composeSpec(chain),
      settings: { baseDomain: "envs.example.edu", connectionUrlTemplate: null, values: {} },
    };
    const input = { owner: { user: VALIDATION_USER, ownerKey: "validation-user" }, params: {}, uuid: NO_INSTANCE_UUID, exposedClaims: [] };
    const web = await renderFor({ ...template, connectionType: "web", connectionMessageTemplate: "ignored {{ nope }}" }, input);
    expect(web.connectionMessage).toBeNull();
    const instructions = await renderFor({ ...template, connectionType: "instructions", connectionMessageTemplate: "Open {{ url }} as {{ owner }}" }, input);
    expect(instructions.connectionMessage).toBe("Open https://lab-00000000.envs.example.edu/ as validation-user");
  });
});
