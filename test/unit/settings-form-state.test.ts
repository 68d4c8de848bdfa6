import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { durationSeconds, fieldId, formStateOf, settingsInputOf, toDuration } from "@/components/templates/settings-form-state";
import { parseTemplateSettings, type TemplateSettings } from "@/lib/domain/template-settings";

const SETTINGS: TemplateSettings = {
  displayName: "Lab",
  description: "",
  icon: "code",
  category: "data science,notebooks",
  enabled: true,
  visible: false,
  method: "pool",
  poolSize: 2,
  poolMaxSize: 10,
  poolRecycle: false,
  teacherAccess: false,
  poolFallback: "refuse",
  ttlSeconds: 90,
  ttlExtendSeconds: 7200,
  ttlMaxExtends: 3,
  maxInstancesPerUser: 0,
  connectionType: "instructions",
  connectionMessageTemplate: "ssh {{ host }}",
  labels: { b: "2", a: "1" },
  annotations: { "example.com/x": "y z" },
};

describe("settings form state", () => {
  it("shows a duration in the largest unit that holds it exactly", () => {
    expect(toDuration(14_400)).toEqual({ amount: "4", unit: "hours" });
    expect(toDuration(172_800)).toEqual({ amount: "2", unit: "days" });
    expect(toDuration(5400)).toEqual({ amount: "90", unit: "minutes" });
    expect(toDuration(90)).toEqual({ amount: "1.5", unit: "minutes" });
    expect(toDuration(0)).toEqual({ amount: "0", unit: "minutes" });
    expect(durationSeconds({ amount: "1.5", unit: "minutes" })).toBe(90);
    expect(durationSeconds({ amount: " 2 ", unit: "days" })).toBe(172_800);
    for (const amount of ["", "abc", "1e999", "Infinity"]) expect(durationSeconds({ amount, unit: "hours" })).toBeNaN();
  });

  it("gives back the settings it was made from, whatever they are (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 365 * 86_400 }), fc.integer({ min: 60, max: 365 * 86_400 }), (ttl, extend) => {
        const settings = { ...SETTINGS, ttlSeconds: ttl, ttlExtendSeconds: extend };
        expect(parseTemplateSettings(settingsInputOf(formStateOf(settings)))).toEqual({ ok: true, settings });
      }),
    );
    const unlimited = { ...SETTINGS, ttlSeconds: -1, maxInstancesPerUser: null, category: "" };
    expect(parseTemplateSettings(settingsInputOf(formStateOf(unlimited)))).toEqual({ ok: true, settings: unlimited });
  });

  it("leaves text that is not a number for the schema to refuse, on the right field", () => {
    const form = { ...formStateOf(SETTINGS), poolSize: "three", ttl: { amount: "", unit: "hours" as const }, ttlUnlimited: false };
    const parsed = parseTemplateSettings(settingsInputOf(form));
    expect(parsed.ok).toBe(false);
    expect(Object.keys((parsed as { fieldErrors: object }).fieldErrors).sort()).toEqual(["poolSize", "ttlSeconds"]);
    expect(fieldId("labels.2.key")).toBe("settings-labels-2-key");
  });
});
