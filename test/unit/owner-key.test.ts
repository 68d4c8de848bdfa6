import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Identity } from "@/lib/domain/identity";
import { OWNER_KEY, OWNER_KEY_MAX, OwnerKeyError, claimValues, ownerKeyFor, ownerKeysOf, toOwnerKey } from "@/lib/domain/owner-key";
import { HOSTILE_VALUES } from "@/test/fixtures/hostile-values";

function identity(overrides: Partial<Identity> = {}): Identity {
  return {
    userId: "00000000-0000-4000-8000-000000000001",
    username: "alice",
    displayName: "Alice",
    email: null,
    groups: [],
    roles: ["student"],
    claims: {},
    source: "oidc",
    ...overrides,
  };
}

/** Any UTF-16 code unit, lone surrogates included. */
const utf16 = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 300, size: "max" });
/** Printable ASCII, every Unicode code point, whole graphemes, raw UTF-16: any length up to 300 characters. */
const anyText = fc.oneof(
  fc.string({ maxLength: 300, size: "max" }),
  fc.string({ unit: "binary", maxLength: 300, size: "max" }),
  fc.string({ unit: "grapheme", maxLength: 300, size: "max" }),
  utf16,
);
/** Any identity: hostile username, groups, email and allow-listed claims (strings or lists). */
const anyIdentity = fc
  .record({
    username: anyText,
    groups: fc.array(anyText, { maxLength: 4 }),
    email: fc.option(anyText, { nil: null }),
    claims: fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(anyText, fc.array(anyText, { maxLength: 4 })), { maxKeys: 4 }),
  })
  .map((fields) => identity(fields));

/** ASCII dense in letters, digits and separators, so long keys and truncation are common. */
const asciiText = fc.string({ unit: fc.constantFrom(..."aBz09-_. @/+Z"), maxLength: 300, size: "max" });

/** The ASCII model of an owner key: lowercase words of [a-z0-9] joined by "-", cut to 63, no trailing "-". */
function asciiModel(value: string): string | null {
  const joined = value.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).join("-");
  const key = joined.slice(0, OWNER_KEY_MAX).replace(/-+$/, "");
  return key === "" ? null : key;
}

describe("toOwnerKey", () => {
  it.each([
    ["Alice", "alice"],
    ["john.doe@example.com", "john-doe-example-com"],
    ["José García", "jose-garcia"],
    ["Team Blue", "team-blue"],
    ["class-1a", "class-1a"],
    ["  Class  1A  ", "class-1a"],
    ["a--b", "a-b"],
    ["ℌ𝔢𝔩𝔩𝔬", "hello"],
    ["İstanbul", "istanbul"],
    ["{{ owner }}", "owner"],
    ["$(rm -rf /)", "rm-rf"],
    ["'; DROP TABLE instances; --", "drop-table-instances"],
    ["<script>alert(1)</script>", "script-alert-1-script"],
  ])("sanitizes %j to %j", (value, key) => {
    expect(toOwnerKey(value)).toBe(key);
  });

  it.each(["", " ", "---", "-", "...", "中文", "ß", "\u0000", "\ud800", "\u200b", "@@@"])("has nothing usable in %j", (value) => {
    expect(toOwnerKey(value)).toBeNull();
  });

  it("cuts long values to 63 characters without a trailing dash", () => {
    const long = "ab".repeat(100);
    expect(long).toHaveLength(200);
    expect(toOwnerKey(long)).toBe(long.slice(0, 63));
    expect(toOwnerKey("a.".repeat(100))).toBe("a-".repeat(31) + "a");
    // The 64th character is the separator: the key stops before it rather than ending in "-".
    const cutAtDash = `${"a".repeat(62)}.${"b".repeat(137)}`;
    expect(cutAtDash).toHaveLength(200);
    expect(toOwnerKey(cutAtDash)).toBe("a".repeat(62));
  });

  it("is null or an owner key of at most 63 characters, whatever the text", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, asciiText), (value) => {
        const key = toOwnerKey(value);
        if (key === null) return;
        expect(key).toMatch(OWNER_KEY);
        expect(key.length).toBeLessThanOrEqual(OWNER_KEY_MAX);
        expect(key).not.toContain("--");
      }),
      { numRuns: 5000 },
    );
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, asciiText), (value) => {
        const key = toOwnerKey(value);
        if (key !== null) expect(toOwnerKey(key)).toBe(key);
      }),
      { numRuns: 5000 },
    );
  });

  it("leaves an owner key without double dashes as it is", () => {
    fc.assert(
      fc.property(fc.stringMatching(OWNER_KEY, { size: "max" }), (key) => {
        fc.pre(!key.includes("--"));
        expect(toOwnerKey(key)).toBe(key);
      }),
      { numRuns: 2000 },
    );
  });

  it("ignores case", () => {
    fc.assert(
      fc.property(asciiText, (value) => {
        const key = toOwnerKey(value);
        expect(toOwnerKey(value.toUpperCase())).toBe(key);
        expect(toOwnerKey(value.toLowerCase())).toBe(key);
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps the letters and digits in their order, as a prefix of the value's", () => {
    fc.assert(
      fc.property(fc.oneof(asciiText, fc.string({ maxLength: 300, size: "max" })), (value) => {
        const key = toOwnerKey(value) ?? "";
        const content = value.toLowerCase().replace(/[^a-z0-9]/g, "");
        expect(content.startsWith(key.replaceAll("-", ""))).toBe(true);
        expect(toOwnerKey(value)).toBe(asciiModel(value));
      }),
      { numRuns: 5000 },
    );
  });

  it("never lets a hostile value produce anything but an owner key", () => {
    for (const value of HOSTILE_VALUES) {
      const key = toOwnerKey(value);
      if (key === null) continue;
      expect(key, JSON.stringify(value.slice(0, 80))).toMatch(OWNER_KEY);
      expect(key.length).toBeLessThanOrEqual(OWNER_KEY_MAX);
    }
  });
});

describe("claimValues", () => {
  const who = identity({ email: "alice@example.edu", groups: ["class-1a", "staff"], claims: { department: "Physics", courses: ["cs-101", "ma-201"] } });

  it("reads the username, groups, email and allow-listed claims, first value first", () => {
    expect(claimValues(who, "", "preferred_username")).toEqual(["alice"]);
    expect(claimValues(who, "preferred_username", "preferred_username")).toEqual(["alice"]);
    expect(claimValues(who, "upn", "upn")).toEqual(["alice"]);
    expect(claimValues(who, "groups", "preferred_username")).toEqual(["class-1a", "staff"]);
    expect(claimValues(who, "email", "preferred_username")).toEqual(["alice@example.edu"]);
    expect(claimValues(who, "department", "preferred_username")).toEqual(["Physics"]);
    expect(claimValues(who, "courses", "preferred_username")).toEqual(["cs-101", "ma-201"]);
  });

  it.each(["missing", "constructor", "__proto__", "toString", "hasOwnProperty"])("has no values for a claim the account lacks: %j", (claim) => {
    expect(claimValues(who, claim, "preferred_username")).toEqual([]);
  });
});

describe("ownerKeyFor", () => {
  const who = identity({
    username: "alice",
    email: "Alice.Smith@Example.edu",
    groups: ["Class-1A", "staff"],
    claims: { department: "Physics Dept", courses: ["CS 101", "MA 201"] },
  });

  it("uses the username when the template names no claim", () => {
    expect(ownerKeyFor(who, "")).toBe("alice");
    expect(ownerKeyFor(who, "   ")).toBe("alice");
    expect(ownerKeyFor(who, "preferred_username")).toBe("alice");
    expect(ownerKeyFor(who, "upn", "upn")).toBe("alice");
  });

  it("uses the first group for a group-owned template", () => {
    expect(ownerKeyFor(who, "groups")).toBe("class-1a");
  });

  it("uses the email", () => {
    expect(ownerKeyFor(who, "email")).toBe("alice-smith-example-edu");
  });

  it("uses an allow-listed claim, the first value of a list", () => {
    expect(ownerKeyFor(who, "department")).toBe("physics-dept");
    expect(ownerKeyFor(who, "courses")).toBe("cs-101");
  });

  it("refuses a claim the account does not have, naming it", () => {
    expect(() => ownerKeyFor(who, "faculty")).toThrowError(OwnerKeyError);
    expect(() => ownerKeyFor(who, "faculty")).toThrowError(/"faculty" claim/);
    expect(() => ownerKeyFor(identity({ claims: { courses: [] } }), "courses")).toThrowError(/"courses" claim/);
    expect(() => ownerKeyFor(identity({ email: null }), "email")).toThrowError(/"email" claim/);
  });

  it("refuses a group-owned template to an account in no group", () => {
    expect(() => ownerKeyFor(identity({ groups: [] }), "groups")).toThrowError(OwnerKeyError);
    expect(() => ownerKeyFor(identity({ groups: [] }), "groups")).toThrowError(/not in any group/);
  });

  it("refuses a claim whose first value has no letters or digits, even when a later one has", () => {
    expect(() => ownerKeyFor(identity({ claims: { courses: ["!!!", "cs-101"] } }), "courses")).toThrowError(OwnerKeyError);
    expect(() => ownerKeyFor(identity({ claims: { courses: ["!!!", "cs-101"] } }), "courses")).toThrowError(/"courses" claim has no letters or digits/);
    expect(() => ownerKeyFor(identity({ groups: ["中文", "staff"] }), "groups")).toThrowError(/"groups" claim has no letters or digits/);
    expect(() => ownerKeyFor(identity({ username: "---" }), "")).toThrowError(/"username" claim has no letters or digits/);
  });

  it.each(["constructor", "__proto__", "toString"])("refuses a claim named like an Object member (%j) instead of keying on it", (claim) => {
    expect(() => ownerKeyFor(who, claim)).toThrowError(OwnerKeyError);
  });

  it("uses the sub claim's own value when sub is not the configured username claim", () => {
    const subject = identity({ username: "alice", claims: { sub: "f81d4fae-7dec-11d0" } });
    expect(ownerKeyFor(subject, "sub", "preferred_username")).toBe("f81d4fae-7dec-11d0");
  });

  it("returns an owner key or an OwnerKeyError for any claim and any values", () => {
    const claimName = fc.oneof(fc.constantFrom("", "groups", "email", "username", "preferred_username", "sub", "department"), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(anyIdentity, claimName, (who, claim) => {
        try {
          const key = ownerKeyFor(who, claim);
          expect(key).toMatch(OWNER_KEY);
          expect(key.length).toBeLessThanOrEqual(OWNER_KEY_MAX);
        } catch (error) {
          expect(error).toBeInstanceOf(OwnerKeyError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("ownerKeysOf", () => {
  it("holds the username first, then every group, the email and every claim value, sanitized", () => {
    const who = identity({
      username: "alice",
      email: "Alice@Example.edu",
      groups: ["Class-1A", "staff"],
      claims: { department: "Physics", courses: ["CS 101", "MA 201"] },
    });
    expect(ownerKeysOf(who)).toEqual(["alice", "class-1a", "staff", "alice-example-edu", "physics", "cs-101", "ma-201"]);
  });

  it("lists each key once, keeping the username first", () => {
    const who = identity({ username: "alice", email: "ALICE", groups: ["staff", "Alice", "STAFF"], claims: { team: ["staff", "alice"], nick: "Alice" } });
    expect(ownerKeysOf(who)).toEqual(["alice", "staff"]);
  });

  it("drops values with nothing usable in them", () => {
    const who = identity({ username: "alice", groups: ["中文", "---"], email: "@", claims: { department: "!!!", courses: ["", "cs-101"] } });
    expect(ownerKeysOf(who)).toEqual(["alice", "cs-101"]);
  });

  it("holds every key ownerKeyFor can give the identity, each an owner key, without duplicates", () => {
    fc.assert(
      fc.property(anyIdentity, (who) => {
        const keys = ownerKeysOf(who);
        expect(new Set(keys).size).toBe(keys.length);
        for (const key of keys) expect(key).toMatch(OWNER_KEY);
        const own = toOwnerKey(who.username);
        if (own !== null) expect(keys[0]).toBe(own);
        for (const claim of ["", "groups", "email", ...Object.keys(who.claims)]) {
          let key: string | null = null;
          try {
            key = ownerKeyFor(who, claim);
          } catch (error) {
            expect(error).toBeInstanceOf(OwnerKeyError);
          }
          if (key !== null) expect(keys).toContain(key);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
