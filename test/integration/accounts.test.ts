import { describe, expect, it } from "vitest";
import { loadIdentity, upsertOidcUser, verifyLocalCredentials } from "@/lib/services/accounts/internal/sign-in";
import { upsertLocalUser } from "@/lib/services/accounts/upsert-local-user";
import { setupTestDatabase } from "../support/database";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";

const database = setupTestDatabase();

describe("local accounts", () => {
  it("signs in with the right password and records the time", async () => {
    const created = await upsertLocalUser(SYSTEM_IDENTITY, { username: "ana", password: "s3cret-pass", roles: ["teacher"], groups: ["class-1a"] });
    const identity = await verifyLocalCredentials({ username: "ana", password: "s3cret-pass" });
    expect(identity).toMatchObject({ userId: created.userId, username: "ana", roles: ["student", "teacher"], groups: ["class-1a"], source: "local" });
    const row = await database.db().user.findUniqueOrThrow({ where: { username: "ana" } });
    expect(row.lastLoginAt).toBeInstanceOf(Date);
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain("s3cret-pass");
  });

  it("accepts the username in any case and with surrounding spaces", async () => {
    await upsertLocalUser(SYSTEM_IDENTITY, { username: "bob", password: "pw-bob-123", roles: [] });
    expect(await verifyLocalCredentials({ username: "  BOB ", password: "pw-bob-123" })).not.toBeNull();
  });

  it.each([
    ["a wrong password", { username: "carol", password: "nope" }],
    ["an unknown user", { username: "nobody", password: "pw-carol-123" }],
    ["an empty username", { username: "", password: "pw-carol-123" }],
    ["an empty password", { username: "carol", password: "" }],
    ["an overlong username", { username: "c".repeat(64), password: "pw-carol-123" }],
    ["an overlong password", { username: "carol", password: "p".repeat(100_000) }],
    ["unicode look-alikes", { username: "cаrol", password: "pw-carol-123" }],
    ["SQL in the username", { username: "carol' OR '1'='1", password: "x' OR '1'='1" }],
    ["wrong types", { username: ["carol"], password: { $ne: null } }],
    ["missing fields", {}],
    ["no input at all", undefined],
  ])("refuses %s without telling why and without writing", async (_, input) => {
    await upsertLocalUser(SYSTEM_IDENTITY, { username: "carol", password: "pw-carol-123", roles: [] });
    const before = await database.db().user.findMany({ orderBy: { username: "asc" } });
    expect(await verifyLocalCredentials(input)).toBeNull();
    expect(await database.db().user.findMany({ orderBy: { username: "asc" } })).toEqual(before);
  });

  it("refuses disabled accounts at sign-in and on every later request", async () => {
    const dave = await upsertLocalUser(SYSTEM_IDENTITY, { username: "dave", password: "pw-dave-123", roles: ["admin"] });
    expect(await loadIdentity(dave.userId)).not.toBeNull();
    await database.db().user.update({ where: { id: dave.userId }, data: { disabledAt: new Date() } });
    expect(await verifyLocalCredentials({ username: "dave", password: "pw-dave-123" })).toBeNull();
    expect(await loadIdentity(dave.userId)).toBeNull();
  });

  it("applies role changes to existing sessions on the next request", async () => {
    const erin = await upsertLocalUser(SYSTEM_IDENTITY, { username: "erin", password: "pw-erin-123", roles: ["admin"] });
    await database.db().user.update({ where: { id: erin.userId }, data: { roles: ["student"] } });
    expect((await loadIdentity(erin.userId))?.roles).toEqual(["student"]);
  });

  it.each([["Upper"], ["has space"], [""], ["x".repeat(64)], ["-leading"], ["ünïcode"]])("refuses to create the username %j", async (username) => {
    await expect(upsertLocalUser(SYSTEM_IDENTITY, { username, password: "pw", roles: [] })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await database.db().user.count({ where: { username } })).toBe(0);
  });
});

describe("OIDC users", () => {
  const profile = { username: "tina", displayName: "Tina", email: "tina@example.edu", groups: ["envdeck-teachers"], roles: ["teacher" as const] };

  it("are mirrored at each sign-in with the provider's groups and roles", async () => {
    const first = await upsertOidcUser(profile);
    expect(first).toMatchObject({ username: "tina", source: "oidc", roles: ["student", "teacher"] });
    const second = await upsertOidcUser({ ...profile, groups: [], roles: [] });
    expect(second.userId).toBe(first.userId);
    expect(second.roles).toEqual(["student"]);
    const row = await database.db().user.findUniqueOrThrow({ where: { username: "tina" } });
    expect(row.passwordHash).toBeNull();
  });

  it("can never take over a local account with the same username", async () => {
    await upsertLocalUser(SYSTEM_IDENTITY, { username: "frank", password: "pw-frank-123", roles: ["admin"] });
    await expect(upsertOidcUser({ ...profile, username: "frank" })).rejects.toMatchObject({ code: "CONFLICT" });
    const row = await database.db().user.findUniqueOrThrow({ where: { username: "frank" } });
    expect(row.source).toBe("local");
    expect(row.roles).toEqual(["student", "teacher", "admin"]);
  });

  it("cannot sign in with a password", async () => {
    await upsertOidcUser({ ...profile, username: "gina" });
    expect(await verifyLocalCredentials({ username: "gina", password: "" })).toBeNull();
    expect(await verifyLocalCredentials({ username: "gina", password: "anything" })).toBeNull();
  });
});
