import { describe, expect, it } from "vitest";
import { ClaimError, profileFromClaims } from "@/lib/domain/oidc-claims";

const mapping = { username: "preferred_username", email: "email", name: "name", groups: "groups" };
const roleGroups = { admin: ["envdeck-admins"], teacher: ["envdeck-teachers"] };

describe("profileFromClaims", () => {
  it("maps username, name, email, groups and roles", () => {
    const profile = profileFromClaims(
      { sub: "1", preferred_username: "Tina", name: "Tina Teacher", email: "tina@example.edu", groups: ["/envdeck-teachers", "class-1a"] },
      mapping,
      roleGroups,
      ["email"],
    );
    expect(profile).toEqual({
      username: "tina",
      displayName: "Tina Teacher",
      email: "tina@example.edu",
      groups: ["envdeck-teachers", "class-1a"],
      roles: ["student", "teacher"],
      claims: { email: "tina@example.edu" },
    });
  });

  it("accepts a single-string groups claim", () => {
    expect(profileFromClaims({ preferred_username: "a", groups: "envdeck-admins" }, mapping, roleGroups, []).roles).toContain("admin");
  });

  it("never exposes token claims even when allow-listed", () => {
    const profile = profileFromClaims(
      { preferred_username: "a", access_token: "secret", id_token: "secret", refresh_token: "secret", email: "a@b.c" },
      mapping,
      roleGroups,
      ["access_token", "id_token", "refresh_token", "email"],
    );
    expect(profile.claims).toEqual({ email: "a@b.c" });
  });

  it("exposes only allow-listed claims, strings and string lists only, truncated", () => {
    const profile = profileFromClaims(
      { preferred_username: "a", department: "x".repeat(5000), nested: { a: 1 }, courses: ["c1", 2, "c2"], phone: "1" },
      mapping,
      roleGroups,
      ["department", "nested", "courses"],
    );
    expect(profile.claims).toEqual({ department: "x".repeat(512), courses: ["c1", "c2"] });
  });

  it.each([
    [{}, /no "preferred_username" claim/],
    [{ preferred_username: "" }, /no "preferred_username" claim/],
    [{ preferred_username: 42 }, /no "preferred_username" claim/],
    [{ preferred_username: "a".repeat(64) }, /not a usable username/],
    [{ preferred_username: "two words" }, /not a usable username/],
    [{ preferred_username: "line\nbreak" }, /not a usable username/],
  ])("refuses unusable usernames: %j", (claims, message) => {
    expect(() => profileFromClaims(claims, mapping, roleGroups, [])).toThrowError(ClaimError);
    expect(() => profileFromClaims(claims, mapping, roleGroups, [])).toThrowError(message);
  });

  it("keeps unicode usernames, lowercased", () => {
    expect(profileFromClaims({ preferred_username: "Zoë.Ünal" }, mapping, roleGroups, []).username).toBe("zoë.ünal");
  });
});
