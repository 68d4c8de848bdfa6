import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionState } from "@/lib/auth/actions";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { SELF_ADMIN_MESSAGE, LAST_ADMIN_MESSAGE } from "@/lib/domain/accounts";
import { loadIdentity, upsertOidcUser, verifyLocalCredentials } from "@/lib/services/accounts/internal/sign-in";
import { changePassword } from "@/lib/services/accounts/change-password";
import { checkPasswordLink } from "@/lib/services/accounts/check-password-link";
import { createUser as createAccount } from "@/lib/services/accounts/create-user";
import { getUser } from "@/lib/services/accounts/get-user";
import { importClassList } from "@/lib/services/accounts/import-class-list";
import { listUsers } from "@/lib/services/accounts/list-users";
import { previewClassList } from "@/lib/services/accounts/preview-class-list";
import { resetPassword } from "@/lib/services/accounts/reset-password";
import { setPasswordWithLink } from "@/lib/services/accounts/set-password-with-link";
import { setUserDisabled } from "@/lib/services/accounts/set-user-disabled";
import { updateUser } from "@/lib/services/accounts/update-user";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { authenticateApiToken } from "@/lib/services/tokens/internal/authenticate-token";
import { setupTestDatabase } from "@/test/support/database";
import { createUser } from "@/test/support/launch";

/**
 * The admin's account use cases and their server actions against the real database. The actions are called
 * as a POST from anywhere could call them; the one stand-in is the next-auth session (`getIdentity`), which
 * answers with the identity the test says is signed in.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));

const actions = await import("@/app/(staff)/admin/users/actions");
const { setPasswordAction } = await import("@/app/signin/set-password/actions");

const database = setupTestDatabase();

type AnyAction = (state: never, data: FormData) => Promise<ActionState<unknown>>;
function call(action: AnyAction, fields: Record<string, string | Blob>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return action({ ok: false } as never, data);
}
/** Everything an account use case may write. */
const snapshot = async () => ({
  users: await db().user.findMany({ orderBy: { username: "asc" } }),
  links: await db().passwordLink.findMany({ orderBy: { id: "asc" } }),
  audit: await db().auditEvent.count(),
});
const csv = (text: string, type = "text/csv") => new Blob([text], { type });
const HEADER = "username,display name,email,groups,role\n";

let admin: Identity;
let admin2: Identity;
let teacher: Identity;
let student: Identity;

beforeAll(async () => {
  admin = await createUser({ name: "root-admin", roles: ["admin"] });
  admin2 = await createUser({ name: "second-admin", roles: ["admin"] });
  teacher = await createUser({ name: "tess", roles: ["teacher"] });
  student = await createUser({ name: "stu", roles: ["student"], groups: ["class-1a"] });
});

const fields = { displayName: "Ana Lima", email: "ana@example.edu", groups: "class-1a chem", roles: ["teacher"] };

describe("who may manage accounts", () => {
  const everyAction: [string, AnyAction, Record<string, string | Blob>][] = [
    ["create", actions.createUserAction as AnyAction, { username: "intruder", delivery: "password", displayName: "", email: "", groups: "", roles: "admin" }],
    ["update", actions.updateUserAction as AnyAction, { username: "stu", displayName: "x", email: "", groups: "", roles: "admin" }],
    ["disable", actions.setUserDisabledAction as AnyAction, { username: "root-admin", disabled: "true" }],
    ["reset", actions.resetPasswordAction as AnyAction, { username: "root-admin", delivery: "password" }],
    ["dry run", actions.previewClassListAction as AnyAction, { file: csv(`${HEADER}x1\n`) }],
    ["import", actions.importClassListAction as AnyAction, { file: csv(`${HEADER}x1\n`), delivery: "password" }],
  ];

  it.each([
    ["anonymous", () => null, /session has ended/],
    ["a student", () => student, /permission/],
    ["a teacher", () => teacher, /permission/],
  ])("refuses %s calling any action directly, and changes nothing", async (_, who, message) => {
    session.identity = who();
    const before = await snapshot();
    for (const [name, action, input] of everyAction) {
      const state = await call(action, input);
      expect(state.ok, name).toBe(false);
      expect(state.message, name).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["anonymous", () => null, "UNAUTHENTICATED"],
    ["a student", () => student, "FORBIDDEN"],
    ["a teacher", () => teacher, "FORBIDDEN"],
  ])("refuses %s calling the use cases, reads included", async (_, who, code) => {
    const identity = who();
    const before = await snapshot();
    await expect(listUsers(identity, { searchParams: {} })).rejects.toMatchObject({ code });
    await expect(getUser(identity, { username: "stu" })).rejects.toMatchObject({ code });
    await expect(createAccount(identity, { ...fields, username: "x2", delivery: "password" })).rejects.toMatchObject({ code });
    await expect(updateUser(identity, { username: "stu", fields: { ...fields, roles: ["admin"] } })).rejects.toMatchObject({ code });
    await expect(setUserDisabled(identity, { username: "stu", disabled: true })).rejects.toMatchObject({ code });
    await expect(resetPassword(identity, { username: "stu", delivery: "link" })).rejects.toMatchObject({ code });
    await expect(previewClassList(identity, { file: csv(`${HEADER}x3\n`) })).rejects.toMatchObject({ code });
    await expect(importClassList(identity, { file: csv(`${HEADER}x3\n`), delivery: "link" })).rejects.toMatchObject({ code });
    expect(await snapshot()).toEqual(before);
  });
});

describe("creating an account", () => {
  it("with a one-time password that signs in, shown once and never stored or audited", async () => {
    session.identity = admin;
    const state = await call(actions.createUserAction as AnyAction, { username: " Ana ", delivery: "password", displayName: "Ana Lima", email: "ana@example.edu", groups: "class-1a, chem", roles: "teacher" });
    expect(state).toMatchObject({ ok: true, result: { username: "ana", credential: { delivery: "password" } } });
    const password = (state.result as { credential: { password: string } }).credential.password;
    expect(await verifyLocalCredentials({ username: "ana", password })).toMatchObject({ username: "ana", roles: ["student", "teacher"], groups: ["class-1a", "chem"] });
    const row = await db().user.findUniqueOrThrow({ where: { username: "ana" } });
    expect(row.passwordHash).not.toContain(password);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.create", objectId: row.id } });
    expect(audit).toMatchObject({ actorName: "root-admin", after: { username: "ana", roles: ["student", "teacher"], password: "one-time password" } });
    expect(JSON.stringify([audit.before, audit.after])).not.toContain(password);
    expect(JSON.stringify([audit.before, audit.after])).not.toContain("scrypt");
  });

  it("with a set-password link valid for a day, used once", async () => {
    const { credential } = await createAccount(admin, { ...fields, username: "bo", delivery: "link" });
    if (credential.delivery !== "link") throw new Error("expected a link");
    const token = new URL(credential.url).searchParams.get("token")!;
    expect(new URL(credential.url).pathname).toBe("/signin/set-password");
    expect(new Date(credential.expiresAt).getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(await checkPasswordLink({ token })).toMatchObject({ usable: true, username: "bo" });
    expect(await verifyLocalCredentials({ username: "bo", password: "anything-at-all" })).toBeNull();

    session.identity = null;
    const state = await call(setPasswordAction as AnyAction, { token, password: "correct horse battery", confirm: "correct horse battery" });
    expect(state).toMatchObject({ ok: true, result: { username: "bo" } });
    expect(await verifyLocalCredentials({ username: "bo", password: "correct horse battery" })).not.toBeNull();
    expect(await checkPasswordLink({ token })).toEqual({ usable: false });
    const again = await call(setPasswordAction as AnyAction, { token, password: "another password!", confirm: "another password!" });
    expect(again).toMatchObject({ ok: false, message: expect.stringMatching(/cannot be used/) });
    expect(await verifyLocalCredentials({ username: "bo", password: "correct horse battery" })).not.toBeNull();
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.password-set" } });
    expect(audit).toMatchObject({ actorName: "bo", after: { username: "bo" } });
    expect(JSON.stringify([audit.before, audit.after])).not.toContain("correct horse");
  });

  it("refuses a link that expired, was replaced, or belongs to a disabled account", async () => {
    const first = await createAccount(admin, { ...fields, username: "cy", delivery: "link" });
    const second = await resetPassword(admin, { username: "cy", delivery: "link" });
    const tokenOf = (c: typeof first.credential) => (c.delivery === "link" ? new URL(c.url).searchParams.get("token")! : "");
    expect(await checkPasswordLink({ token: tokenOf(first.credential) })).toEqual({ usable: false });
    await expect(setPasswordWithLink({ token: tokenOf(first.credential), password: "long enough pw", confirm: "long enough pw" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await db().passwordLink.updateMany({ where: { user: { username: "cy" } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(setPasswordWithLink({ token: tokenOf(second.credential), password: "long enough pw", confirm: "long enough pw" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const third = await resetPassword(admin, { username: "cy", delivery: "link" });
    await setUserDisabled(admin, { username: "cy", disabled: true });
    expect(await checkPasswordLink({ token: tokenOf(third.credential) })).toEqual({ usable: false });
    expect(await db().user.findUniqueOrThrow({ where: { username: "cy" } })).toMatchObject({ passwordHash: null });
  });

  it.each([
    [{ token: "x", password: "long enough pw", confirm: "long enough pw" }, /not valid/],
    [{ token: "a".repeat(43), password: "short", confirm: "short" }, /At least 10/],
    [{ token: "a".repeat(43), password: "long enough pw", confirm: "different pw!" }, /differ/],
    [{ token: "a".repeat(43), password: "p".repeat(300), confirm: "p".repeat(300) }, /At most 256/],
    [{ token: "a".repeat(43), password: "long enough pw", confirm: "long enough pw" }, /cannot be used/],
    [{ token: "' OR 1=1 --", password: "long enough pw", confirm: "long enough pw" }, /not valid/],
    [{}, /not valid|Enter a password/],
  ])("the set-password action refuses %j and changes nothing", async (input, message) => {
    session.identity = null;
    const before = await snapshot();
    const state = await call(setPasswordAction as AnyAction, input as Record<string, string>);
    expect(state.ok).toBe(false);
    expect(`${state.message} ${JSON.stringify(state.fieldErrors ?? {})}`).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    [{ username: "Has Space" }, "username"],
    [{ username: "" }, "username"],
    [{ username: "x".repeat(64) }, "username"],
    [{ username: "ünï" }, "username"],
    [{ username: "rob'; DROP TABLE users;--" }, "username"],
    [{ username: "ana" }, "username"],
    [{ displayName: "x".repeat(201) }, "displayName"],
    [{ displayName: "line\nbreak" }, "displayName"],
    [{ displayName: "nul\u0000" }, "displayName"],
    [{ email: "not an email" }, "email"],
    [{ groups: "good bad!" }, "groups"],
    [{ roles: "root" }, "roles"],
    [{ delivery: "email" }, "delivery"],
  ])("refuses %j beside its field, keeping nothing", async (change, field) => {
    session.identity = admin;
    const before = await snapshot();
    const state = await call(actions.createUserAction as AnyAction, { username: "newbie", delivery: "password", displayName: "", email: "", groups: "", roles: "", ...change });
    expect(state.ok).toBe(false);
    expect(Object.keys(state.fieldErrors ?? {})).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses unknown and wrongly typed fields in the use case", async () => {
    await expect(createAccount(admin, { ...fields, username: "zed", delivery: "password", passwordHash: "x" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(createAccount(admin, { ...fields, username: ["zed"], delivery: "password" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(createAccount(admin, null)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await db().user.count({ where: { username: "zed" } })).toBe(0);
  });

  it("never takes a single sign-on account's username", async () => {
    await upsertOidcUser({ username: "sso-sam", displayName: "Sam", email: null, groups: ["envdeck-teachers"], roles: ["teacher"] });
    await expect(createAccount(admin, { ...fields, username: "sso-sam", delivery: "password" })).rejects.toMatchObject({ code: "CONFLICT", fields: { username: ["Taken by a single sign-on account."] } });
  });
});

describe("editing an account", () => {
  it("changes display name, email, groups and roles, audited before and after; unchanged says so", async () => {
    await createAccount(admin, { ...fields, username: "dee", delivery: "password" });
    const result = await updateUser(admin, { username: "dee", fields: { ...fields, groups: "physics", roles: ["student"] } });
    expect(result.changed).toEqual(["groups", "roles"]);
    expect(await loadIdentity(result.user.id)).toMatchObject({ roles: ["student"], groups: ["physics"] });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.update", objectId: result.user.id } });
    expect(audit).toMatchObject({ before: { roles: ["student", "teacher"], groups: ["class-1a", "chem"] }, after: { roles: ["student"], groups: ["physics"] } });
    const count = await db().auditEvent.count();
    expect((await updateUser(admin, { username: "dee", fields: { ...fields, groups: "physics", roles: [] } })).changed).toEqual([]);
    expect(await db().auditEvent.count()).toBe(count);
  });

  it("leaves a single sign-on account's roles and groups to the identity provider", async () => {
    await expect(updateUser(admin, { username: "sso-sam", fields: { ...fields, roles: ["admin"] } })).rejects.toMatchObject({ code: "CONFLICT" });
    const detail = await getUser(admin, { username: "sso-sam" });
    expect(detail.roleOrigins).toEqual([
      { role: "student", from: "every account" },
      { role: "teacher", from: 'group "envdeck-teachers"' },
    ]);
  });

  it("answers 404 for an account that does not exist, whatever its name", async () => {
    for (const username of ["nobody", "x".repeat(500), "../admin", "%00"]) {
      await expect(getUser(admin, { username })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(updateUser(admin, { username, fields })).rejects.toMatchObject({ code: expect.stringMatching(/NOT_FOUND|INVALID_INPUT/) });
    }
  });
});

describe("keeping an admin who can sign in", () => {
  it("refuses an admin removing their own admin role or disabling themselves, whatever other admins exist", async () => {
    const before = await snapshot();
    await expect(updateUser(admin, { username: "root-admin", fields: { displayName: "", email: "", groups: "", roles: ["teacher"] } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: SELF_ADMIN_MESSAGE,
    });
    await expect(setUserDisabled(admin, { username: "root-admin", disabled: true })).rejects.toMatchObject({ code: "CONFLICT", message: SELF_ADMIN_MESSAGE });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses demoting the last admin who can sign in, and allows it while another remains", async () => {
    // Only the two admins of this file exist; the system demotes one, then cannot demote the other.
    const system = { ...admin, userId: "00000000-0000-0000-0000-000000000000", username: "system", source: "system" as const };
    await updateUser(system, { username: "second-admin", fields: { displayName: "", email: "", groups: "", roles: ["student"] } });
    await expect(updateUser(system, { username: "root-admin", fields: { displayName: "", email: "", groups: "", roles: ["student"] } })).rejects.toMatchObject({
      message: LAST_ADMIN_MESSAGE,
    });
    await expect(setUserDisabled(system, { username: "root-admin", disabled: true })).rejects.toMatchObject({ message: LAST_ADMIN_MESSAGE });
    await updateUser(system, { username: "second-admin", fields: { displayName: "", email: "", groups: "", roles: ["admin"] } });
    admin2 = (await loadIdentity(admin2.userId))!;
  });

  it("two admins demoting each other at once leave one admin", async () => {
    await createAccount(admin, { ...fields, username: "third-admin", roles: ["admin"], delivery: "password" });
    await setUserDisabled(admin, { username: "third-admin", disabled: true });
    const results = await Promise.allSettled([
      updateUser(admin, { username: "second-admin", fields: { displayName: "", email: "", groups: "", roles: ["student"] } }),
      updateUser(admin2, { username: "root-admin", fields: { displayName: "", email: "", groups: "", roles: ["student"] } }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db().user.count({ where: { roles: { has: "admin" }, disabledAt: null } })).toBe(1);
    // Put things back for the tests that follow.
    const remaining = (await db().user.findFirstOrThrow({ where: { roles: { has: "admin" }, disabledAt: null } })).username;
    const other = remaining === "root-admin" ? "second-admin" : "root-admin";
    await updateUser(remaining === "root-admin" ? admin : admin2, { username: other, fields: { displayName: "", email: "", groups: "", roles: ["admin"] } });
  });
});

describe("disabling and enabling", () => {
  it("stops sign-in, sessions and API tokens at once, and enabling brings them back", async () => {
    const { credential } = await createAccount(admin, { ...fields, username: "eve", roles: [], delivery: "password" });
    const oneTime = credential.delivery === "password" ? credential.password : "";
    // A one-time password lets its owner do one thing: choose their own.
    const password = "eve's very own password";
    await changePassword((await verifyLocalCredentials({ username: "eve", password: oneTime }))!, { current: oneTime, password, confirm: password });
    const eve = (await verifyLocalCredentials({ username: "eve", password }))!;
    const { token } = await createApiToken(eve, { name: "script" });
    session.identity = admin;
    expect(await call(actions.setUserDisabledAction as AnyAction, { username: "eve", disabled: "true" })).toMatchObject({ ok: true, result: { changed: true } });
    expect(await verifyLocalCredentials({ username: "eve", password })).toBeNull();
    expect(await loadIdentity(eve.userId)).toBeNull();
    expect(await authenticateApiToken(token)).toBeNull();
    expect(await call(actions.setUserDisabledAction as AnyAction, { username: "eve", disabled: "true" })).toMatchObject({ ok: true, result: { changed: false } });
    await setUserDisabled(admin, { username: "eve", disabled: false });
    expect(await verifyLocalCredentials({ username: "eve", password })).not.toBeNull();
    expect(await authenticateApiToken(token)).not.toBeNull();
    const actionsSeen = (await db().auditEvent.findMany({ where: { objectId: eve.userId }, orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actionsSeen).toEqual(["user.create", "user.password-change", "user.disable", "user.enable"]);
  });

  it("a disabled single sign-on account cannot sign in through the identity provider", async () => {
    await setUserDisabled(admin, { username: "sso-sam", disabled: true });
    await expect(upsertOidcUser({ username: "sso-sam", displayName: "Sam", email: null, groups: [], roles: [] })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it.each([[{ username: "eve", disabled: "yes" }], [{ username: "eve" }], [{ disabled: "true" }], [{ username: "x".repeat(2000), disabled: "true" }]])("refuses %j", async (input) => {
    session.identity = admin;
    const before = await snapshot();
    expect((await call(actions.setUserDisabledAction as AnyAction, input as Record<string, string>)).ok).toBe(false);
    expect(await snapshot()).toEqual(before);
  });
});

describe("resetting a password", () => {
  it("replaces the old password at once, audited without the password", async () => {
    const { credential } = await createAccount(admin, { ...fields, username: "fay", delivery: "password" });
    const old = credential.delivery === "password" ? credential.password : "";
    const reset = await resetPassword(admin, { username: "fay", delivery: "password" });
    const fresh = reset.credential.delivery === "password" ? reset.credential.password : "";
    expect(await verifyLocalCredentials({ username: "fay", password: old })).toBeNull();
    expect(await verifyLocalCredentials({ username: "fay", password: fresh })).not.toBeNull();
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.password-reset" }, orderBy: { id: "desc" } });
    expect(JSON.stringify([audit.before, audit.after])).not.toContain(fresh);
    await resetPassword(admin, { username: "fay", delivery: "link" });
    expect(await verifyLocalCredentials({ username: "fay", password: fresh })).toBeNull();
  });

  it("refuses single sign-on and disabled accounts", async () => {
    await expect(resetPassword(admin, { username: "sso-sam", delivery: "password" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(resetPassword(admin, { username: "cy", delivery: "password" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(resetPassword(admin, { username: "fay", delivery: "carrier pigeon" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});

describe("the user list", () => {
  it("searches and filters by role, source, status and last sign-in", async () => {
    const names = async (searchParams: Record<string, string>) => (await listUsers(admin, { searchParams })).rows.map((r) => r.username);
    expect(await names({ q: "DEE" })).toEqual(["dee"]);
    expect(await names({ q: "example.edu", role: "teacher", source: "local" })).toContain("ana");
    expect(await names({ source: "oidc" })).toEqual(["sso-sam"]);
    expect(await names({ status: "disabled" })).toEqual(["cy", "sso-sam", "third-admin"]);
    expect(await names({ signIn: "week" })).toEqual(expect.arrayContaining(["ana", "eve"]));
    expect(await names({ signIn: "never" })).not.toContain("ana");
    expect(await names({ q: "'; DROP TABLE users;--" })).toEqual([]);
    expect(await names({ q: "%" })).toEqual([]);
    expect(await names({ q: "_" })).toEqual([]);
    expect(await names({ q: "\\" })).toEqual([]);
    expect(await names({ q: "sso_sam" })).toEqual([]);
    expect(await names({ q: "sso-s" })).toEqual(["sso-sam"]);
  });
});

describe("importing a class list", () => {
  const thirty = HEADER + Array.from({ length: 30 }, (_, i) => `s${String(i).padStart(2, "0")},Student ${i},s${i}@example.edu,class-2b,\n`).join("");

  it("dry run reports each row and writes nothing; the import then creates every account", async () => {
    session.identity = admin;
    const before = await snapshot();
    const dry = await call(actions.previewClassListAction as AnyAction, { file: csv(`\uFEFF${thirty}`) });
    expect(dry).toMatchObject({ ok: true, result: { valid: 30, invalid: 0 } });
    expect(await snapshot()).toEqual(before);
    const state = await call(actions.importClassListAction as AnyAction, { file: csv(thirty), delivery: "link" });
    expect(state).toMatchObject({ ok: true, result: { imported: true } });
    const accounts = (state.result as { accounts: { username: string; credential: { url: string } }[] }).accounts;
    expect(accounts).toHaveLength(30);
    expect(await db().user.count({ where: { groups: { has: "class-2b" }, source: "local" } })).toBe(30);
    expect(await db().auditEvent.count({ where: { action: "user.create", after: { path: ["via"], equals: "class list" } } })).toBe(30);
    const token = new URL(accounts[7]!.credential.url).searchParams.get("token")!;
    expect(await checkPasswordLink({ token })).toMatchObject({ usable: true, username: "s07" });
  });

  it("imports with one-time passwords that sign in", async () => {
    const result = await importClassList(admin, { file: csv(`${HEADER}p1,,,,\np2,,,,teacher\n`), delivery: "password" });
    if (!result.imported) throw new Error("expected an import");
    const [first, second] = result.accounts;
    expect(await verifyLocalCredentials({ username: "p1", password: first!.credential.delivery === "password" ? first!.credential.password : "" })).not.toBeNull();
    expect(await verifyLocalCredentials({ username: "p2", password: second!.credential.delivery === "password" ? second!.credential.password : "" })).toMatchObject({ roles: ["student", "teacher"] });
  });

  it("imports nothing when any row has a problem, duplicates against the database included", async () => {
    const before = await snapshot();
    const result = await importClassList(admin, { file: csv(`${HEADER}new1,,,,\ns05,,,,\nnew2,,bad-email,,\nnew1,,,,\nsso-sam,,,,\n`), delivery: "password" });
    expect(result.imported).toBe(false);
    if (result.imported) return;
    expect(result.report.rows.map((r) => [r.line, r.errors])).toEqual([
      [2, []],
      [3, ['username: "s05" exists already.']],
      [4, [expect.stringMatching(/^email:/)]],
      [5, ['username: "new1" is already on line 2.']],
      [6, ['username: "sso-sam" exists already (a single sign-on account).']],
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["no file", undefined, /Choose a CSV file/],
    ["text instead of a file", "username\nx\n", /Choose a CSV file/],
    ["an empty file", csv(""), /empty/],
    ["missing columns", csv("display name,email\nAna,a@x.io\n"), /"username" is missing/],
    ["wrong columns", csv("user,pass\nana,x\n"), /Unknown column "user"/],
    ["non-UTF-8 bytes", new Blob([Buffer.from("username,display name\nz\u00e9,Z\u00e9\n", "latin1")]), /not UTF-8/],
    ["a picture", new Blob([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex")], { type: "image/png" }), /not UTF-8|not a CSV/],
    ["a file over the size limit", csv("username\n" + "x".repeat(600 * 1024)), /at most 512 KiB/],
    ["50 000 rows", csv(HEADER + Array.from({ length: 50_000 }, (_, i) => `u${i}\n`).join("")), /more than 2000 accounts/],
    ["a broken quote", csv('username,display name\nann,"open\n'), /never closed/],
  ])("refuses %s with a clear message and writes nothing", async (_, file, message) => {
    session.identity = admin;
    const before = await snapshot();
    for (const action of [actions.previewClassListAction, actions.importClassListAction] as AnyAction[]) {
      const state = await call(action, file === undefined ? { delivery: "password" } : { file: file as Blob | string, delivery: "password" });
      expect(state.ok).toBe(false);
      expect(state.message).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("stores formula-like and injection cells as text", async () => {
    const result = await importClassList(admin, { file: csv(`${HEADER}fx,"=HYPERLINK(""http://evil.example"",""click"")",,,\nsq,"x'); DROP TABLE users;--",,,\n`), delivery: "link" });
    expect(result.imported).toBe(true);
    expect((await db().user.findUniqueOrThrow({ where: { username: "fx" } })).displayName).toBe('=HYPERLINK("http://evil.example","click")');
    expect((await db().user.findUniqueOrThrow({ where: { username: "sq" } })).displayName).toBe("x'); DROP TABLE users;--");
  });

  it("refuses an unknown delivery before reading the file", async () => {
    await expect(importClassList(admin, { file: csv(`${HEADER}zz\n`), delivery: "fax" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await database.db().user.count({ where: { username: "zz" } })).toBe(0);
  });
});
