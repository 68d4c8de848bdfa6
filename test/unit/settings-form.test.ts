import { describe, expect, it } from "vitest";
import { MAX_URL_TEMPLATE as URL_TEMPLATE_LIMIT } from "@/lib/templates/url";
import { DEFAULT_FLUX_SETTINGS, DEFAULT_LAUNCH_SETTINGS, DEFAULT_LIFETIME, type Settings } from "@/lib/domain/settings";
import {
  changedGroups,
  describePortalImpact,
  MAX_URL_TEMPLATE,
  MAX_VALUES_YAML_BYTES,
  parseSettingsForm,
  readValuesYaml,
  settingsChange,
  settingsFormOf,
  type PortalImpactCounts,
} from "@/lib/domain/settings-form";

const settings: Settings = {
  baseDomain: "envdeck.localhost",
  connectionUrlTemplate: null,
  values: { registry: "registry.example.edu", limits: { cpu: 1 } },
  defaultQuota: 5,
  flux: DEFAULT_FLUX_SETTINGS,
  launch: DEFAULT_LAUNCH_SETTINGS,
  exposedClaims: ["email", "name"],
  audit: { retentionDays: 180 },
  lifetime: DEFAULT_LIFETIME,
};
const form = settingsFormOf(settings);
const counts: PortalImpactCounts = { running: 3, launching: 1, launchingOverdue: 0, warm: 2, live: 5, templatesOnDefaultQuota: 4, breaking: [] };

function parsed(change: Partial<typeof form>) {
  const result = parseSettingsForm({ ...form, ...change });
  if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
  return result.settings;
}

function errors(change: Record<string, unknown>) {
  const result = parseSettingsForm({ ...form, ...change });
  return result.ok ? {} : result.fieldErrors;
}

describe("the settings form", () => {
  it("gives back the settings it was made from, so an untouched form changes nothing", () => {
    expect(parsed({})).toEqual(settings);
    expect(settingsChange(settings, parsed({}))).toEqual({});
  });

  it("changes only what differs", () => {
    const after = parsed({ baseDomain: " Labs.Example.EDU ", fetchTimeoutSeconds: 60, exposedClaims: "email\nname, school" });
    expect(settingsChange(settings, after)).toEqual({ baseDomain: "labs.example.edu", launch: { fetchTimeoutSeconds: 60 }, exposedClaims: ["email", "name", "school"] });
    expect(changedGroups(settingsChange(settings, after))).toEqual(["addresses", "limits", "claims"]);
  });

  it("takes an empty Flux namespace as each environment's own, and a name as given", () => {
    expect(parsed({ fluxNamespace: "  " }).flux.namespace).toBeNull();
    expect(parsed({ fluxNamespace: " flux-system " }).flux.namespace).toBe("flux-system");
    expect(changedGroups(settingsChange(settings, parsed({ fluxNamespace: "flux-system" })))).toEqual(["flux"]);
  });

  it("takes an empty URL template and service account as the defaults", () => {
    expect(parsed({ connectionUrlTemplate: "  ", fluxServiceAccount: "" })).toMatchObject({ connectionUrlTemplate: null, flux: { serviceAccountName: null } });
  });

  it.each([
    ["a domain with a scheme", { baseDomain: "https://x.example" }, "baseDomain"],
    ["an empty domain", { baseDomain: "" }, "baseDomain"],
    ["a unicode domain", { baseDomain: "ümlaut.example" }, "baseDomain"],
    ["a domain label too long", { baseDomain: `${"a".repeat(64)}.example` }, "baseDomain"],
    ["a domain with injection", { baseDomain: "x.example; rm -rf /" }, "baseDomain"],
    ["a URL template on two lines", { connectionUrlTemplate: "https://a\nb" }, "connectionUrlTemplate"],
    ["a URL template too long", { connectionUrlTemplate: "x".repeat(2049) }, "connectionUrlTemplate"],
    ["a negative quota", { defaultQuota: -1 }, "defaultQuota"],
    ["a quota as text", { defaultQuota: "5" }, "defaultQuota"],
    ["a fractional quota", { defaultQuota: 1.5 }, "defaultQuota"],
    ["a limit below five seconds", { fetchTimeoutSeconds: 1 }, "fetchTimeoutSeconds"],
    ["a limit above a day", { installTimeoutSeconds: 86_401 }, "installTimeoutSeconds"],
    ["a duration without unit", { fluxInterval: "5" }, "fluxInterval"],
    ["a duration in days", { fluxTimeout: "1d" }, "fluxTimeout"],
    ["an uppercase service account", { fluxServiceAccount: "Flux" }, "fluxServiceAccount"],
    ["retries above ten", { fluxRetries: 11 }, "fluxRetries"],
    ["wait as text", { fluxWait: "true" }, "fluxWait"],
    ["a secret claim", { exposedClaims: "email, access_token" }, "exposedClaims"],
    ["a claim with spaces inside quotes", { exposedClaims: "email, na$me" }, "exposedClaims"],
    ["too many claims", { exposedClaims: Array.from({ length: 51 }, (_, i) => `c${i}`).join(",") }, "exposedClaims"],
    ["values that are a list", { valuesYaml: "- a\n- b\n" }, "valuesYaml"],
    ["values that are not YAML", { valuesYaml: "a: [\n" }, "valuesYaml"],
    ["values with a key twice", { valuesYaml: "a: 1\na: 2\n" }, "valuesYaml"],
    ["no day of audit", { auditRetentionDays: 0 }, "auditRetentionDays"],
    ["more than ten years of audit", { auditRetentionDays: 3651 }, "auditRetentionDays"],
    ["audit days as text", { auditRetentionDays: "180" }, "auditRetentionDays"],
    ["a missing field", { baseDomain: undefined }, "baseDomain"],
    ["an uppercase Flux namespace", { fluxNamespace: "Flux-System" }, "fluxNamespace"],
    ["a Flux namespace with a dot", { fluxNamespace: "flux.system" }, "fluxNamespace"],
    ["a Flux namespace too long", { fluxNamespace: "n".repeat(64) }, "fluxNamespace"],
    ["a unicode Flux namespace", { fluxNamespace: "flüx" }, "fluxNamespace"],
    ["a Flux namespace as a number", { fluxNamespace: 7 }, "fluxNamespace"],
    ["a missing Flux namespace", { fluxNamespace: undefined }, "fluxNamespace"],
    ["a lifetime as text", { ttlSeconds: "14400" }, "ttlSeconds"],
    ["a negative lifetime other than unlimited", { ttlSeconds: -2 }, "ttlSeconds"],
    ["a lifetime under a minute", { ttlSeconds: 59 }, "ttlSeconds"],
    ["a lifetime over a year", { ttlSeconds: 365 * 86_400 + 1 }, "ttlSeconds"],
    ["a fractional lifetime", { ttlSeconds: 3600.5 }, "ttlSeconds"],
    ["a lifetime in unicode digits", { ttlSeconds: "３６００" }, "ttlSeconds"],
    ["a missing lifetime", { ttlSeconds: undefined }, "ttlSeconds"],
    ["a negative extension", { ttlExtendSeconds: -1 }, "ttlExtendSeconds"],
    ["an extension under a minute", { ttlExtendSeconds: 30 }, "ttlExtendSeconds"],
    ["an extension over a year", { ttlExtendSeconds: 365 * 86_400 + 60 }, "ttlExtendSeconds"],
    ["an extension as text", { ttlExtendSeconds: "1h" }, "ttlExtendSeconds"],
    ["a missing extension", { ttlExtendSeconds: undefined }, "ttlExtendSeconds"],
    ["extensions without a duration", { ttlExtendSeconds: 0, ttlMaxExtends: 2 }, "ttlExtendSeconds"],
    ["negative extensions", { ttlMaxExtends: -1 }, "ttlMaxExtends"],
    ["more than 100 extensions", { ttlMaxExtends: 101 }, "ttlMaxExtends"],
    ["extensions as a boolean", { ttlMaxExtends: true }, "ttlMaxExtends"],
    ["missing extensions", { ttlMaxExtends: undefined }, "ttlMaxExtends"],
  ])("refuses %s beside its field", (_, change, field) => {
    expect(Object.keys(errors(change))).toContain(field);
  });

  it("gives the lifetime fields the messages of a template's own", () => {
    expect(errors({ ttlSeconds: 30 }).ttlSeconds).toEqual(["Unlimited, or from 1 minute to 365 days."]);
    expect(errors({ ttlExtendSeconds: 30 }).ttlExtendSeconds).toEqual(["0 (no extensions), or at least 1 minute."]);
    expect(errors({ ttlExtendSeconds: 0, ttlMaxExtends: 1 }).ttlExtendSeconds).toEqual(["Give extensions a duration, or allow 0 extensions."]);
    expect(errors({ ttlSeconds: undefined }).ttlSeconds).toEqual(["Required."]);
  });

  it("takes an unlimited lifetime and no extensions as the lifetime defaults", () => {
    const after = parsed({ ttlSeconds: -1, ttlExtendSeconds: 0, ttlMaxExtends: 0 });
    expect(after.lifetime).toEqual({ ttlSeconds: -1, extendSeconds: 0, maxExtends: 0 });
    expect(settingsChange(settings, after)).toEqual({ lifetime: { ttlSeconds: -1, extendSeconds: 0, maxExtends: 0 } });
    expect(changedGroups(settingsChange(settings, after))).toEqual(["lifetime"]);
  });

  it("refuses unknown fields", () => {
    expect(parseSettingsForm({ ...form, installationId: "x" }).ok).toBe(false);
  });

  it("bounds the URL template as the renderer does", () => {
    expect(MAX_URL_TEMPLATE).toBe(URL_TEMPLATE_LIMIT);
  });
});

describe("values exposed to templates", () => {
  it("reads a mapping, and empty as no values", () => {
    expect(readValuesYaml("registry: r.example\nsizes: [1, 2]\n")).toEqual({ ok: true, values: { registry: "r.example", sizes: [1, 2] } });
    expect(readValuesYaml("\uFEFF  \n")).toEqual({ ok: true, values: {} });
  });

  it("refuses an anchor bomb before expanding it", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ..."bcdefghij".split("").map((l, i) => `${l}: &${l} [${Array(9).fill(`*${"abcdefghij"[i]}`).join(", ")}]`)].join("\n");
    const read = readValuesYaml(bomb);
    expect(read.ok).toBe(false);
    expect(read.ok ? "" : read.problem).toMatch(/aliases|Cannot be read/);
  });

  it.each([
    ["too large", `a: "${"x".repeat(MAX_VALUES_YAML_BYTES)}"`, /At most 64 KiB/],
    ["a scalar", "just text", /mapping/],
    ["infinity", "a: .inf", /not finite/],
    ["an unknown tag", "a: !secret x", /YAML/],
    ["deep nesting", `${"[".repeat(40)}${"]".repeat(40)}`.replace(/^/, "a: "), /deeper/],
  ])("refuses %s", (_, text, message) => {
    const read = readValuesYaml(text);
    expect(read.ok ? "" : read.problem).toMatch(message);
  });
});

describe("what a settings change does", () => {
  it("says a new base domain reaches new launches only, and asks nothing", () => {
    const lines = describePortalImpact(settings, { baseDomain: "labs.example.edu" }, counts);
    expect(lines).toEqual([
      { text: "New launches get addresses under labs.example.edu instead of envdeck.localhost; the 3 running environments and 2 warm pool members keep the addresses they have.", ends: false },
    ]);
  });

  it("asks for a confirmation when Flux settings reach environments in the cluster", () => {
    const [line] = describePortalImpact(settings, { flux: { ...DEFAULT_FLUX_SETTINGS, interval: "1m" } }, counts);
    expect(line).toMatchObject({ ends: true });
    expect(line!.text).toMatch(/5 environments in the cluster/);
    expect(describePortalImpact(settings, { flux: { ...DEFAULT_FLUX_SETTINGS, interval: "1m" } }, { ...counts, live: 0, running: 0, warm: 0 })[0]).toMatchObject({ ends: false });
  });

  it("says a new Flux namespace reaches new environments only, without asking, and still asks for the other Flux settings", () => {
    expect(describePortalImpact(settings, { flux: { ...DEFAULT_FLUX_SETTINGS, namespace: "flux-system" } }, counts)).toEqual([
      { text: "New environments get their Helm release and chart source in the namespace flux-system, installing into their own; the 5 environments in the cluster keep theirs where they are.", ends: false },
    ]);
    const back = describePortalImpact({ ...settings, flux: { ...DEFAULT_FLUX_SETTINGS, namespace: "flux-system" } }, { flux: { ...DEFAULT_FLUX_SETTINGS, interval: "1m" } }, counts);
    expect(back.map((line) => line.ends)).toEqual([false, true]);
    expect(back[0]!.text).toMatch(/^New environments get their Helm release and chart source in their own namespace; the 5 environments/);
  });

  it("asks for a confirmation when shorter limits fail launches under way, or templates would break", () => {
    expect(describePortalImpact(settings, { launch: { fetchTimeoutSeconds: 10 } }, { ...counts, launchingOverdue: 1 })[0]).toMatchObject({ ends: true });
    expect(describePortalImpact(settings, { launch: { fetchTimeoutSeconds: 10 } }, counts)[0]).toMatchObject({ ends: false, text: expect.stringMatching(/shorter/) });
    const breaking = describePortalImpact(settings, { values: {} }, { ...counts, breaking: [{ name: "jupyter", error: "unknown variable config.values.registry" }] });
    expect(breaking.at(-1)).toMatchObject({ ends: true, text: expect.stringMatching(/1 template would no longer render.*jupyter.*config\.values\.registry/) });
  });

  it("asks for a confirmation when a shorter audit retention deletes entries, and not for a longer one", () => {
    expect(settingsChange(settings, parsed({ auditRetentionDays: 30 }))).toEqual({ auditRetentionDays: 30 });
    expect(describePortalImpact(settings, { auditRetentionDays: 30 }, counts)).toEqual([
      { text: "The worker deletes audit entries older than 30 days (180 days now): those between are gone for good.", ends: true },
    ]);
    expect(describePortalImpact(settings, { auditRetentionDays: 365 }, counts)).toEqual([
      { text: "Audit entries are kept 365 days instead of 180; none deleted already comes back.", ends: false },
    ]);
  });

  it("says a new default lifetime reaches only templates created later, and asks nothing", () => {
    expect(describePortalImpact(settings, { lifetime: { ttlSeconds: 7200, extendSeconds: 1800, maxExtends: 1 } }, counts)).toEqual([
      { text: "Templates created from now on without a lifetime of their own get 2 hours, extended by 30 minutes once; existing templates keep theirs.", ends: false },
    ]);
  });

  it("says when added claims arrive", () => {
    expect(describePortalImpact(settings, { exposedClaims: ["email", "school"] }, counts)[0]!.text).toBe(
      "Templates see the claims email, school from the next launch on; school reaches a user's environments once they sign in again.",
    );
  });
});
