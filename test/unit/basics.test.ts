import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { describeTtl, parseCategory } from "@/lib/domain/catalog";
import { canonicalJson, specChecksum } from "@/lib/templates/checksum";

describe("checksum", () => {
  it("ignores key order at every depth", () => {
    expect(specChecksum({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(specChecksum({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }));
  });

  it("changes when a value changes, including array order", () => {
    expect(specChecksum({ a: [1, 2] })).not.toBe(specChecksum({ a: [2, 1] }));
    expect(specChecksum({ a: "1" })).not.toBe(specChecksum({ a: 1 }));
  });

  it("is a 64-character hex sha256", () => {
    expect(specChecksum({})).toMatch(/^[0-9a-f]{64}$/);
  });

  it("canonical JSON parses back to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe("catalog helpers", () => {
  it("parses categories", () => {
    expect(parseCategory("learning,linux")).toEqual({ category: "learning", subcategory: "linux" });
    expect(parseCategory("databases")).toEqual({ category: "databases", subcategory: null });
    expect(parseCategory(" , x")).toEqual({ category: "Other", subcategory: "x" });
  });

  it("describes TTLs", () => {
    expect(describeTtl(-1)).toBe("unlimited");
    expect(describeTtl(86400)).toBe("1 day");
    expect(describeTtl(4 * 3600)).toBe("4 hours");
    expect(describeTtl(5400)).toBe("90 minutes");
    expect(describeTtl(30)).toBe("30 seconds");
  });
});

describe("passwords", () => {
  it("verifies the right password and refuses others", async () => {
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsE", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("treats canonically equivalent unicode as the same password", async () => {
    const hash = await hashPassword("caf\u00e9");
    expect(await verifyPassword("cafe\u0301", hash)).toBe(true);
  });

  it("refuses malformed stored hashes", async () => {
    expect(await verifyPassword("x", "")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$2b$...")).toBe(false);
  });
});
