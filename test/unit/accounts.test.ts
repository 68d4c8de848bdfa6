import { describe, expect, it } from "vitest";
import {
  accountFieldsSchema,
  adminChangeProblem,
  LAST_ADMIN_MESSAGE,
  newAccountSchema,
  newPasswordSchema,
  parseUserFilter,
  roleOrigins,
  SELF_ADMIN_MESSAGE,
  userListHref,
} from "@/lib/domain/accounts";

const fields = { displayName: "Ana Lima", email: "ana@example.edu", groups: "class-1a, chem", roles: ["teacher"] };

describe("account fields", () => {
  it("normalises what the form sends: trimmed, empty as null, groups split and unique, roles implied", () => {
    expect(accountFieldsSchema.parse({ displayName: "  ", email: "", groups: "a;b a\nc", roles: ["admin"] })).toEqual({
      displayName: null,
      email: null,
      groups: ["a", "b", "c"],
      roles: ["student", "teacher", "admin"],
    });
    expect(newAccountSchema.parse({ ...fields, username: "  Ana.Lima ", delivery: "link" })).toMatchObject({ username: "ana.lima", roles: ["student", "teacher"] });
  });

  it.each([
    ["a display name too long", { displayName: "x".repeat(201) }, "displayName"],
    ["a line break in the display name", { displayName: "a\nb" }, "displayName"],
    ["a bidirectional control", { displayName: "abc\u202Edef" }, "displayName"],
    ["an email that is not one", { email: "ana at school" }, "email"],
    ["an email too long", { email: `${"a".repeat(320)}@x.io` }, "email"],
    ["a group with spaces inside quotes", { groups: "ok, bad!group" }, "groups"],
    ["too many groups", { groups: Array.from({ length: 51 }, (_, i) => `g${i}`).join(",") }, "groups"],
    ["an unknown role", { roles: ["root"] }, "roles"],
    ["roles as text", { roles: "admin" }, "roles"],
    ["a number for a name", { displayName: 42 }, "displayName"],
    ["a missing field", { email: undefined }, "email"],
  ])("refuses %s beside its field", (_, change, field) => {
    const parsed = accountFieldsSchema.safeParse({ ...fields, ...change });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path[0])).toContain(field);
  });

  it("refuses unknown fields", () => {
    expect(accountFieldsSchema.safeParse({ ...fields, passwordHash: "x" }).success).toBe(false);
  });

  it.each([["Has space"], [""], ["-lead"], ["ünï"], ["x".repeat(64)], ["a'; DROP TABLE users;--"]])("refuses the username %j", (username) => {
    expect(newAccountSchema.safeParse({ ...fields, username, delivery: "password" }).success).toBe(false);
  });

  it("takes only the two ways of handing over a password", () => {
    expect(newAccountSchema.safeParse({ ...fields, username: "ana", delivery: "email" }).success).toBe(false);
  });

  it.each([["short"], ["x".repeat(257)], ["tab\there-long-enough"]])("refuses the new password %j", (password) => {
    expect(newPasswordSchema.safeParse(password).success).toBe(false);
  });
});

describe("the user list's filter", () => {
  it("reads known values, ignores the rest, and writes the same link back", () => {
    const filter = parseUserFilter({ q: "  ana\u0000 ", role: "admin", source: "ldap", status: "disabled", signIn: "week", other: "x" });
    expect(filter).toEqual({ q: "ana", role: "admin", source: null, status: "disabled", signIn: "week" });
    expect(userListHref(filter)).toBe("/admin/users?q=ana&role=admin&status=disabled&signIn=week");
    expect(parseUserFilter({ q: ["a", "b"], role: ["admin"] })).toMatchObject({ q: "", role: null });
    expect(parseUserFilter({ q: "x".repeat(500) }).q).toHaveLength(100);
  });
});

describe("where an OIDC user's roles come from", () => {
  const mapping = { admin: ["envdeck-admins"], teacher: ["envdeck-teachers", "staff"] };
  it("names the groups, the roles claim, or admin for teacher", () => {
    expect(roleOrigins({ roles: ["student", "teacher"], groups: ["staff", "x"] }, mapping)).toEqual([
      { role: "student", from: "every account" },
      { role: "teacher", from: 'group "staff"' },
    ]);
    expect(roleOrigins({ roles: ["student", "teacher", "admin"], groups: [] }, { ...mapping, rolesClaim: "roles" })).toEqual([
      { role: "student", from: "every account" },
      { role: "teacher", from: "implied by admin" },
      { role: "admin", from: 'the "roles" claim' },
    ]);
  });
});

describe("keeping an admin who can sign in", () => {
  const change = { actorId: "a", targetId: "b", wasActiveAdmin: true, staysActiveAdmin: false, activeAdmins: 2 };
  it("lets an admin demote or disable another admin while one more remains", () => {
    expect(adminChangeProblem(change)).toBeNull();
  });
  it("refuses demoting or disabling oneself, however many admins there are", () => {
    expect(adminChangeProblem({ ...change, targetId: "a", activeAdmins: 10 })).toBe(SELF_ADMIN_MESSAGE);
  });
  it("refuses demoting or disabling the last admin", () => {
    expect(adminChangeProblem({ ...change, activeAdmins: 1 })).toBe(LAST_ADMIN_MESSAGE);
  });
  it("has nothing to say about changes that keep an admin, or about accounts that are not admins", () => {
    expect(adminChangeProblem({ ...change, targetId: "a", staysActiveAdmin: true, activeAdmins: 1 })).toBeNull();
    expect(adminChangeProblem({ ...change, wasActiveAdmin: false, activeAdmins: 0 })).toBeNull();
  });
});
