import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normaliseRoles, ROLES, rolesFromClaims, type Identity } from "@/lib/domain/identity";
import { assertCan, can, PASSWORD_CHANGE_FIRST } from "@/lib/domain/permissions";
import { AppError } from "@/lib/domain/errors";

const groups = { admin: ["envdeck-admins"], teacher: ["envdeck-teachers", "staff"] };

function identity(roles: Identity["roles"]): Identity {
  return { userId: "u", username: "u", displayName: "U", email: null, groups: [], roles, claims: {}, source: "local" };
}

describe("roles", () => {
  it("makes everyone a student and every admin a teacher", () => {
    expect(normaliseRoles([])).toEqual(["student"]);
    expect(normaliseRoles(["admin"])).toEqual(["student", "teacher", "admin"]);
    expect(normaliseRoles(["teacher", "teacher"])).toEqual(["student", "teacher"]);
  });

  it("drops unknown role names", () => {
    expect(normaliseRoles(["root", "superuser", "ADMIN", "admin "])).toEqual(["student"]);
  });

  it("derives roles from configured groups and from a roles claim", () => {
    expect(rolesFromClaims(["envdeck-teachers"], [], groups)).toEqual(["student", "teacher"]);
    expect(rolesFromClaims(["staff", "class-1a"], [], groups)).toEqual(["student", "teacher"]);
    expect(rolesFromClaims(["envdeck-admins"], [], groups)).toEqual(["student", "teacher", "admin"]);
    expect(rolesFromClaims(["class-1a"], ["admin"], groups)).toEqual(["student", "teacher", "admin"]);
    expect(rolesFromClaims(["Envdeck-Admins"], ["Admin"], groups)).toEqual(["student"]);
  });

  it("always yields a sorted, duplicate-free subset of the known roles containing student", () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (input) => {
        const roles = normaliseRoles(input);
        expect(roles[0]).toBe("student");
        expect(new Set(roles).size).toBe(roles.length);
        expect(roles).toEqual(ROLES.filter((r) => roles.includes(r)));
      }),
    );
  });
});

describe("permissions", () => {
  it("grants each role exactly its pages", () => {
    const student = identity(["student"]);
    const teacher = identity(["student", "teacher"]);
    const admin = identity(["student", "teacher", "admin"]);
    expect([can(student, "catalog:view"), can(student, "teach:view"), can(student, "admin:view")]).toEqual([true, false, false]);
    expect([can(teacher, "catalog:view"), can(teacher, "teach:view"), can(teacher, "admin:view")]).toEqual([true, true, false]);
    expect([can(admin, "catalog:view"), can(admin, "teach:view"), can(admin, "admin:view")]).toEqual([true, true, true]);
    expect(can(null, "catalog:view")).toBe(false);
  });

  it("throws UNAUTHENTICATED without an identity and FORBIDDEN without the role", () => {
    expect(() => assertCan(null, "catalog:view")).toThrowError(expect.objectContaining({ code: "UNAUTHENTICATED" }));
    try {
      assertCan(identity(["student"]), "template:edit");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("FORBIDDEN");
      expect((error as AppError).httpStatus).toBe(403);
    }
  });

  it("grants nothing, whatever the roles, to a caller who must first replace a one-time password", () => {
    const admin: Identity = { ...identity(["student", "teacher", "admin"]), passwordChangeRequired: true };
    expect([can(admin, "catalog:view"), can(admin, "instance:launch"), can(admin, "admin:view")]).toEqual([false, false, false]);
    expect(() => assertCan(admin, "catalog:view")).toThrowError(expect.objectContaining({ code: "FORBIDDEN", message: PASSWORD_CHANGE_FIRST }));
  });
});
