import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DNS_LABEL, MAX_RELEASE_NAME, defaultHost, instanceNamespace, releaseName, toDnsLabelPart, toLabelValue } from "@/lib/domain/naming";
import { HOSTILE_VALUES } from "@/test/fixtures/hostile-values";

const uuid = fc.stringMatching(/^[0-9a-f]{8}$/);
const LABEL_VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;

describe("instanceNamespace", () => {
  it("names owned and pool instances by owner, template and uuid", () => {
    expect(instanceNamespace({ ownerKey: "alice", template: "webterm", uuid: "0a1b2c3d", pooled: false })).toBe("alice-webterm-0a1b2c3d");
    expect(instanceNamespace({ ownerKey: null, template: "jupyter", uuid: "0a1b2c3d", pooled: true })).toBe("pool-jupyter-0a1b2c3d");
    // A claimed pool member keeps its pool namespace: namespaces cannot be renamed.
    expect(instanceNamespace({ ownerKey: "alice", template: "jupyter", uuid: "0a1b2c3d", pooled: true })).toBe("pool-jupyter-0a1b2c3d");
  });

  it("is always a DNS label of at most 63 characters that ends with the uuid, whatever the owner and template", () => {
    fc.assert(
      fc.property(fc.option(fc.string({ maxLength: 300 }), { nil: null }), fc.string({ maxLength: 300 }), uuid, fc.boolean(), (ownerKey, template, id, pooled) => {
        const name = instanceNamespace({ ownerKey, template, uuid: id, pooled });
        expect(name).toMatch(DNS_LABEL);
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name.endsWith(`-${id}`)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps hostile owner keys out of the name", () => {
    for (const value of HOSTILE_VALUES) {
      const name = instanceNamespace({ ownerKey: String(value), template: "webterm", uuid: "deadbeef", pooled: false });
      expect(name, JSON.stringify(value)).toMatch(DNS_LABEL);
    }
  });

  it("shortens a long owner before the template", () => {
    const name = instanceNamespace({ ownerKey: "a".repeat(80), template: "a-long-template-name-of-forty-characters", uuid: "0a1b2c3d", pooled: false });
    expect(name).toMatch(/^a+-a-long-template-name-of-forty-characters-0a1b2c3d$/);
    expect(name.length).toBe(63);
  });

  it("refuses an invalid uuid", () => {
    expect(() => instanceNamespace({ ownerKey: "a", template: "t", uuid: "../etc", pooled: false })).toThrow(/invalid instance uuid/);
  });
});

describe("releaseName, toLabelValue, defaultHost", () => {
  it("fits Helm's 53 characters and stays a DNS label", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), uuid, (template, id) => {
        const name = releaseName(template, id);
        expect(name.length).toBeLessThanOrEqual(MAX_RELEASE_NAME);
        expect(name).toMatch(DNS_LABEL);
      }),
    );
  });

  it("makes any string a valid label value", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(toLabelValue(s)).toMatch(LABEL_VALUE);
      }),
    );
    expect(toLabelValue("Team Rocket!")).toBe("Team-Rocket");
    expect(toLabelValue("---")).toBe("");
  });

  it("lowercases and collapses DNS parts", () => {
    expect(toDnsLabelPart("Ünïcode Über__User")).toBe("unicode-uber-user");
  });

  it("builds the default host from the release name and base domain", () => {
    expect(defaultHost("webterm", "0a1b2c3d", "envs.example.edu")).toBe("webterm-0a1b2c3d.envs.example.edu");
  });
});
