import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  baseTemplateProblems,
  changedSettings,
  joinCategory,
  parseTemplateSettings,
  qualifiedNameProblem,
  SETTING_NAMES,
  templateSettingsChangeSchema,
  splitCategory,
  toSettingsInput,
  type TemplateSettings,
  type TemplateSettingsInput,
} from "@/lib/domain/template-settings";

const VALID: TemplateSettingsInput = {
  displayName: "Web Terminal",
  description: "A Linux shell in your browser.",
  icon: "terminal",
  category: "learning,linux",
  enabled: true,
  visible: true,
  method: "on_demand",
  poolSize: 0,
  poolMaxSize: 0,
  poolRecycle: true,
  teacherAccess: false,
  poolFallback: "on_demand",
  ttlSeconds: 14_400,
  ttlExtendSeconds: 3600,
  ttlMaxExtends: 3,
  maxInstancesPerUser: null,
  connectionType: "web",
  connectionMessageTemplate: "",
  labels: [{ key: "course", value: "net101" }],
  annotations: [{ key: "example.com/owner", value: "Networks team <networks@example.edu>" }],
};

function errorsFor(change: Record<string, unknown>): Record<string, string[]> {
  const result = parseTemplateSettings({ ...VALID, ...change });
  return result.ok ? {} : result.fieldErrors;
}

/** The one field an input is refused on, with its message. */
function expectRefused(change: Record<string, unknown>, field: string, message: RegExp = /./) {
  const errors = errorsFor(change);
  expect(Object.keys(errors), JSON.stringify(change).slice(0, 120)).toEqual([field]);
  expect(errors[field]!.join(" ")).toMatch(message);
}

describe("template settings schema", () => {
  it("accepts valid settings and hands back labels and annotations as maps", () => {
    const result = parseTemplateSettings(VALID);
    expect(result).toEqual({
      ok: true,
      settings: { ...VALID, labels: { course: "net101" }, annotations: { "example.com/owner": "Networks team <networks@example.edu>" } },
    });
    // Round trip through the form's shape.
    const settings = (result as { settings: TemplateSettings }).settings;
    expect(parseTemplateSettings(toSettingsInput(settings))).toEqual({ ok: true, settings });
  });

  it("accepts text in any script, markup and SQL as plain text, trimmed", () => {
    for (const displayName of ["Données — 数据 🚀", "<b>Lab</b><script>alert(1)</script>", "x'; DROP TABLE templates;--", "{{ owner }}"]) {
      expect(parseTemplateSettings({ ...VALID, displayName: ` ${displayName} ` })).toMatchObject({ ok: true, settings: { displayName } });
    }
    expect(parseTemplateSettings({ ...VALID, description: "Line one\r\nLine two\twith a tab\n" })).toMatchObject({ ok: true, settings: { description: "Line one\nLine two\twith a tab" } });
  });

  it("refuses wrong types on every field with a clear message on that field", () => {
    const wrong: Record<string, unknown> = {
      displayName: 42,
      description: ["x"],
      icon: "rocket",
      category: null,
      enabled: "true",
      visible: 1,
      method: "on-demand",
      poolSize: "3",
      poolMaxSize: 2.5,
      poolRecycle: "yes",
      teacherAccess: "on",
      poolFallback: "queue",
      ttlSeconds: "3600",
      ttlExtendSeconds: null,
      ttlMaxExtends: true,
      maxInstancesPerUser: "5",
      connectionType: "ssh",
      connectionMessageTemplate: 7,
      labels: { course: "net101" },
      annotations: "a=b",
    };
    for (const [field, value] of Object.entries(wrong)) expectRefused({ [field]: value }, field);
    expect(Object.keys(wrong).sort()).toEqual([...SETTING_NAMES].sort());
  });

  it("reads teacher access as true or false only, in the form and in a change, and a change without it keeps it", () => {
    for (const value of ["true", "yes", 1, 0, null, [], {}, "'; DROP TABLE templates; --", "vrai ✓"]) {
      expectRefused({ teacherAccess: value }, "teacherAccess", /^Use true or false\.$/);
      expect(templateSettingsChangeSchema.safeParse({ teacherAccess: value }).error?.issues.map((i) => i.message)).toEqual(["Use true or false."]);
    }
    expect(parseTemplateSettings({ ...VALID, teacherAccess: true })).toMatchObject({ ok: true, settings: { teacherAccess: true } });
    expect(templateSettingsChangeSchema.parse({ displayName: "Lab" })).toEqual({ displayName: "Lab" });
  });

  it("says which fields are missing, and refuses fields it does not know", () => {
    const errors = parseTemplateSettings({});
    expect(errors.ok).toBe(false);
    const fieldErrors = (errors as { fieldErrors: Record<string, string[]> }).fieldErrors;
    expect(Object.keys(fieldErrors).sort()).toEqual([...SETTING_NAMES].sort());
    expect(fieldErrors.displayName).toEqual(["Required."]);
    expectRefused({ isBase: true }, "isBase", /not a setting/i);
    expectRefused({ __proto__: { enabled: false }, ownerId: "x" }, "ownerId", /not a setting/i);
    expectRefused({ labels: [{ key: "a", value: "b", extra: 1 }] }, "labels.0.extra", /not a setting/i);
    for (const input of [null, "settings", 42, []]) expect(parseTemplateSettings(input)).toEqual({ ok: false, fieldErrors: { settings: ["Send the settings as an object."] } });
  });

  it("bounds every text and number", () => {
    expectRefused({ displayName: "" }, "displayName", /Enter a display name/);
    expectRefused({ displayName: "   " }, "displayName", /Enter a display name/);
    expectRefused({ displayName: "x".repeat(101) }, "displayName", /100/);
    expectRefused({ description: "x".repeat(2001) }, "description", /2000/);
    expectRefused({ connectionMessageTemplate: "x".repeat(4001) }, "connectionMessageTemplate", /4000/);
    expectRefused({ poolSize: -1 }, "poolSize", /0 to 100/);
    expectRefused({ poolSize: 101 }, "poolSize", /0 to 100/);
    expectRefused({ poolMaxSize: 1001 }, "poolMaxSize", /1000/);
    expectRefused({ ttlSeconds: 59 }, "ttlSeconds", /Unlimited, or from 1 minute/);
    expectRefused({ ttlSeconds: 0 }, "ttlSeconds", /Unlimited/);
    expectRefused({ ttlSeconds: -2 }, "ttlSeconds", /Unlimited/);
    expectRefused({ ttlSeconds: 366 * 86_400 }, "ttlSeconds", /365 days/);
    expectRefused({ ttlSeconds: 90.5 }, "ttlSeconds", /whole number/);
    expectRefused({ ttlSeconds: Number.NaN }, "ttlSeconds");
    expectRefused({ ttlSeconds: Number.POSITIVE_INFINITY }, "ttlSeconds");
    expectRefused({ ttlExtendSeconds: 30, ttlMaxExtends: 1 }, "ttlExtendSeconds", /at least 1 minute/);
    expectRefused({ ttlMaxExtends: 101 }, "ttlMaxExtends", /0 to 100/);
    expectRefused({ maxInstancesPerUser: -1 }, "maxInstancesPerUser", /0 \(no limit\) to 1000/);
    expectRefused({ maxInstancesPerUser: 1001 }, "maxInstancesPerUser", /1000/);
    expect(parseTemplateSettings({ ...VALID, ttlSeconds: -1, maxInstancesPerUser: 0 }).ok).toBe(true);
    expect(parseTemplateSettings({ ...VALID, ttlSeconds: 60, ttlExtendSeconds: 0, ttlMaxExtends: 0 }).ok).toBe(true);
  });

  it("refuses control characters, line breaks in one-line fields and bidirectional controls", () => {
    for (const bad of ["a\u0000b", "a\nb", "a\u0007", "a\u202Eb", "a\u2066b", "a\u2028b", "\u0085"]) {
      expectRefused({ displayName: `x${bad}` }, "displayName", /printable/);
      expectRefused({ category: `cat,sub${bad}` }, "category", /printable/);
      expectRefused({ annotations: [{ key: "k", value: bad }] }, "annotations.0.value", /printable/);
    }
    expectRefused({ description: "a\u0000b" }, "description", /printable/);
    expectRefused({ connectionMessageTemplate: "ssh\u202E" }, "connectionMessageTemplate", /printable/);
  });

  it("reads categories as cat or cat,subcat, each part short", () => {
    expect(splitCategory(" Data science , notebooks ")).toEqual({ category: "Data science", subcategory: "notebooks" });
    expect(splitCategory("")).toEqual({ category: "", subcategory: "" });
    expect(splitCategory("linux,")).toEqual({ category: "linux", subcategory: "" });
    expect(parseTemplateSettings({ ...VALID, category: " Data science , notebooks " })).toMatchObject({ settings: { category: "Data science,notebooks" } });
    expect(parseTemplateSettings({ ...VALID, category: "linux," })).toMatchObject({ settings: { category: "linux" } });
    expect(parseTemplateSettings({ ...VALID, category: "" })).toMatchObject({ settings: { category: "" } });
    expectRefused({ category: "a,b,c" }, "category", /one comma/);
    expectRefused({ category: ",sub" }, "category", /category the subcategory belongs to/);
    expectRefused({ category: "x".repeat(41) }, "category", /category is at most 40/);
    expectRefused({ category: `ok,${"x".repeat(41)}` }, "category", /subcategory is at most 40/);
    expect(joinCategory(" a ", "")).toBe("a");
    expect(joinCategory("a", " b ")).toBe("a,b");
  });

  it("checks label and annotation keys as Kubernetes qualified names, and values by their limits", () => {
    for (const key of ["course", "app.kubernetes.io/name", "example.com/a_b-c.d", "A1", "x".repeat(63), `${"a".repeat(63)}.${"b".repeat(63)}.com/n`]) {
      expect(qualifiedNameProblem(key), key).toBeNull();
    }
    const bad: [string, RegExp][] = [
      ["", /Enter a key/],
      ["-course", /starts and ends/],
      ["course-", /starts and ends/],
      ["has space", /letters, digits/],
      ["x".repeat(64), /at most 63/],
      ["/name", /prefix before \/ is empty/],
      ["example.com/", /name after \/ is empty/],
      ["Example.com/name", /DNS name in lowercase/],
      ["a/b/c", /at most one \//],
      [`${"a".repeat(64)}.com/name`, /DNS name/],
      [`${"a.".repeat(127)}ab/name`, /at most 253/],
      ["ünïcode", /letters, digits/],
      ["<script>", /letters, digits/],
      ["a';--", /letters, digits/],
    ];
    for (const [key, message] of bad) expect(qualifiedNameProblem(key), key).toMatch(message);
    expectRefused({ labels: [{ key: "course", value: "net 101" }] }, "labels.0.value", /letters, digits/);
    expectRefused({ labels: [{ key: "course", value: "x".repeat(64) }] }, "labels.0.value", /63/);
    expect(parseTemplateSettings({ ...VALID, labels: [{ key: "course", value: "" }] }).ok).toBe(true);
    expectRefused({ labels: [{ key: "a", value: "1" }, { key: "a", value: "2" }] }, "labels.1.key", /already used/);
    expectRefused({ annotations: [{ key: "note", value: "x".repeat(4097) }] }, "annotations.0.value", /4096/);
    expect(parseTemplateSettings({ ...VALID, annotations: [{ key: "note", value: "Données: <b>ok</b> 'quoted' — 数据" }] }).ok).toBe(true);
    expectRefused({ labels: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: "v" })) }, "labels", /At most 50/);
  });

  it("checks the rules between fields on the right field", () => {
    expectRefused({ method: "pool", poolSize: 5, poolMaxSize: 3 }, "poolMaxSize", /At least the pool size \(5\), or 0/);
    expect(parseTemplateSettings({ ...VALID, method: "pool", poolSize: 5, poolMaxSize: 0 }).ok).toBe(true);
    expect(parseTemplateSettings({ ...VALID, method: "pool", poolSize: 5, poolMaxSize: 5 }).ok).toBe(true);
    // Pool fields only matter for a pool: an on-demand template keeps them as they are.
    expect(parseTemplateSettings({ ...VALID, method: "on_demand", poolSize: 5, poolMaxSize: 3 }).ok).toBe(true);
    expectRefused({ ttlExtendSeconds: 0, ttlMaxExtends: 2 }, "ttlExtendSeconds", /Give extensions a duration/);
    expectRefused({ connectionType: "instructions", connectionMessageTemplate: "  \n" }, "connectionMessageTemplate", /Write the instructions/);
    expect(parseTemplateSettings({ ...VALID, connectionType: "instructions", connectionMessageTemplate: "ssh {{ host }}" }).ok).toBe(true);
    // Several problems at once are all reported.
    const errors = errorsFor({ displayName: "", method: "pool", poolSize: 4, poolMaxSize: 2, ttlExtendSeconds: 0 });
    expect(Object.keys(errors).sort()).toEqual(["displayName", "poolMaxSize", "ttlExtendSeconds"]);
  });

  it("never throws, whatever it is given (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...SETTING_NAMES, "extra"), fc.anything()), (change) => {
        const result = parseTemplateSettings({ ...VALID, ...change });
        if (!result.ok) expect(Object.values(result.fieldErrors).every((messages) => messages.length > 0)).toBe(true);
      }),
    );
  });

  it("finds what changed, label maps by content, and what a base template cannot take", () => {
    const before = (parseTemplateSettings(VALID) as { settings: TemplateSettings }).settings;
    expect(changedSettings(before, { ...before, labels: { course: "net101" } })).toEqual([]);
    expect(changedSettings(before, { ...before, displayName: "Shell", labels: { course: "net102" }, ttlSeconds: -1 })).toEqual(["displayName", "ttlSeconds", "labels"]);
    expect(baseTemplateProblems(["displayName", "labels", "icon", "category", "description", "annotations"])).toEqual({});
    expect(Object.keys(baseTemplateProblems(["displayName", "method", "ttlSeconds", "enabled"]))).toEqual(["method", "ttlSeconds", "enabled"]);
  });
});
