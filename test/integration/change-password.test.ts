import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionState } from "@/lib/auth/actions";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { PASSWORD_CHANGE_FIRST } from "@/lib/domain/permissions";
import { changePassword, WRONG_CURRENT_PASSWORD } from "@/lib/services/accounts/change-password";
import { createUser as createAccount } from "@/lib/services/accounts/create-user";
import { getUser } from "@/lib/services/accounts/get-user";
import { importClassList } from "@/lib/services/accounts/import-class-list";
import { loadIdentity, upsertOidcUser, verifyLocalCredentials } from "@/lib/services/accounts/internal/sign-in";
import { resetPassword } from "@/lib/services/accounts/reset-password";
import { setPasswordWithLink } from "@/lib/services/accounts/set-password-with-link";
import { launchInstance } from "@/lib/services/instances/launch";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { authenticateApiToken } from "@/lib/services/tokens/internal/authenticate-token";
import { listApiTokens } from "@/lib/services/tokens/list-tokens";
import { setupTestDatabase } from "@/test/support/database";
import { createUser } from "@/test/support/launch";

/**
 * Changing one's own password, and the one-time passwords that must be changed first, against the real
 * database. The action is called as a POST from anywhere could call it; the one stand-in is the next-auth
 * session (`getIdentity`), which answers with the identity the test says is signed in.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));
const { changePasswordAction } = await import("@/app/(student)/account/password/actions");

setupTestDatabase();

let admin: Identity;
const ORIGIN = { address: "203.0.113.9", userAgent: "vitest" };

/** A local account with a one-time password, signed in with it: the identity its session has, and the password. */
async function withOneTimePassword(username: string): Promise<{ identity: Identity; password: string }> {
  const { credential } = await createAccount(admin, { username, delivery: "password", displayName: "", email: "", groups: "", roles: ["student"] });
  if (credential.delivery !== "password") throw new Error("expected a one-time password");
  const identity = await verifyLocalCredentials({ username, password: credential.password }, ORIGIN);
  if (!identity) throw new Error("the one-time password should sign in");
  return { identity: { ...identity, origin: ORIGIN }, password: credential.password };
}

const account = (username: string) => db().user.findUniqueOrThrow({ where: { username } });
const changes = () => db().auditEvent.count({ where: { action: "user.password-change" } });

beforeAll(async () => {
  admin = await createUser({ name: "pw-admin", roles: ["admin"] });
});

describe("one-time passwords", () => {
  it("are to be changed first: created, reset and imported ones, never a link's", async () => {
    const created = await withOneTimePassword("otp-created");
    expect(created.identity.passwordChangeRequired).toBe(true);
    expect((await loadIdentity(created.identity.userId))?.passwordChangeRequired).toBe(true);

    const linked = await createAccount(admin, { username: "otp-linked", delivery: "link", displayName: "", email: "", groups: "", roles: ["student"] });
    if (linked.credential.delivery !== "link") throw new Error("expected a link");
    await setPasswordWithLink({ token: new URL(linked.credential.url).searchParams.get("token"), password: "linked and chosen", confirm: "linked and chosen" });
    expect((await account("otp-linked")).passwordChangeRequired).toBe(false);
    // An admin's reset hands a new one-time password to an account that had chosen its own.
    const reset = await resetPassword(admin, { username: "otp-linked", delivery: "password" });
    if (reset.credential.delivery !== "password") throw new Error("expected a one-time password");
    expect((await verifyLocalCredentials({ username: "otp-linked", password: reset.credential.password }))?.passwordChangeRequired).toBe(true);

    const imported = await importClassList(admin, { file: new Blob(["username,display name,email,groups,role\notp-imported,,,,\n"], { type: "text/csv" }), delivery: "password" });
    if (!imported.imported) throw new Error("expected an import");
    expect((await account("otp-imported")).passwordChangeRequired).toBe(true);
    // An account whose password someone chose (the demo's, the tests') has nothing to change.
    expect((await loadIdentity(admin.userId))?.passwordChangeRequired).toBeUndefined();
  });

  it("let their session do nothing else: every use case refuses it, saying why", async () => {
    const { identity } = await withOneTimePassword("otp-limited");
    await expect(listApiTokens(identity)).rejects.toMatchObject({ code: "FORBIDDEN", message: PASSWORD_CHANGE_FIRST });
    await expect(createApiToken(identity, { name: "script" })).rejects.toMatchObject({ code: "FORBIDDEN", message: PASSWORD_CHANGE_FIRST });
    await expect(launchInstance(identity, { template: "anything" })).rejects.toMatchObject({ code: "FORBIDDEN", message: PASSWORD_CHANGE_FIRST });
    expect(await db().apiToken.count({ where: { userId: identity.userId } })).toBe(0);
  });
});

describe("changing one's own password", () => {
  it("with the current one: the new one signs in, the old one does not, the duty ends, audited without either", async () => {
    const { identity, password } = await withOneTimePassword("otp-changer");
    expect(await getUser(admin, { username: "otp-changer" })).toMatchObject({ hasPassword: true, oneTimePassword: true });
    await expect(changePassword(identity, { current: password, password: "my own long password", confirm: "my own long password" })).resolves.toEqual({ username: "otp-changer" });
    expect(await verifyLocalCredentials({ username: "otp-changer", password })).toBeNull();
    const signedIn = await verifyLocalCredentials({ username: "otp-changer", password: "my own long password" });
    expect(signedIn).toMatchObject({ username: "otp-changer" });
    expect(signedIn?.passwordChangeRequired).toBeUndefined();
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.password-change" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ actorName: "otp-changer", objectType: "user", after: { username: "otp-changer", password: "chose their own for a one-time password" } });
    const recorded = JSON.stringify([audit.before, audit.after]);
    expect(recorded).not.toContain("my own long password");
    expect(recorded).not.toContain(password);
    expect(await getUser(admin, { username: "otp-changer" })).toMatchObject({ hasPassword: true, oneTimePassword: false });
    // The account can do what its role allows again.
    await expect(listApiTokens((await loadIdentity(identity.userId))!)).resolves.toEqual([]);
  });

  it("takes any printable unicode, and an account changes it again whenever it likes", async () => {
    const user = await createUser({ name: "pw-unicode" });
    const identity = { ...user, origin: ORIGIN };
    await changePassword(identity, { current: "pw-12345678", password: "пароль ünïcode 🔑 日本", confirm: "пароль ünïcode 🔑 日本" });
    await changePassword(identity, { current: "пароль ünïcode 🔑 日本", password: "and back to plain words", confirm: "and back to plain words" });
    expect(await verifyLocalCredentials({ username: "pw-unicode", password: "and back to plain words" })).not.toBeNull();
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.password-change" }, orderBy: { id: "desc" } });
    expect(audit.after).toMatchObject({ password: "changed by its owner" });
  });

  it("refuses bad input at its field, and changes nothing", async () => {
    const user = await createUser({ name: "pw-bad-input" });
    const identity = { ...user, origin: ORIGIN };
    const before = { row: await account("pw-bad-input"), audit: await changes() };
    const good = { current: "pw-12345678", password: "a perfectly fine one", confirm: "a perfectly fine one" };
    const cases: [Record<string, unknown>, string][] = [
      [{}, "current"],
      [{ ...good, current: "" }, "current"],
      [{ ...good, current: 12345678 }, "current"],
      [{ ...good, current: "x".repeat(257) }, "current"],
      [{ ...good, password: "short" }, "password"],
      [{ ...good, password: "p".repeat(257), confirm: "p".repeat(257) }, "password"],
      [{ ...good, password: "tab\tinside it", confirm: "tab\tinside it" }, "password"],
      [{ ...good, password: ["an", "array"] }, "password"],
      [{ ...good, confirm: "a perfectly fine one!" }, "confirm"],
      [{ ...good, password: "pw-12345678", confirm: "pw-12345678" }, "password"],
      [{ ...good, password: "nul \u0000 inside it", confirm: "nul \u0000 inside it" }, "password"],
      [{ ...good, role: "admin" }, ""],
    ];
    for (const [input, field] of cases) {
      const refusal = await changePassword(identity, input).then(
        () => null,
        (error: { code: string; fields?: Record<string, string[]> }) => error,
      );
      expect(refusal, JSON.stringify(input).slice(0, 80)).toMatchObject({ code: "INVALID_INPUT" });
      if (field) expect(Object.keys(refusal!.fields ?? {}), JSON.stringify(input).slice(0, 80)).toContain(field);
    }
    expect({ row: await account("pw-bad-input"), audit: await changes() }).toEqual(before);
  });

  it("refuses a wrong current password at its field, and after five goes locks the account out of sign-in too", async () => {
    const user = await createUser({ name: "pw-guesser" });
    const identity = { ...user, origin: ORIGIN };
    const hash = (await account("pw-guesser")).passwordHash;
    for (let i = 0; i < 4; i++) {
      await expect(changePassword(identity, { current: `guess number ${i}`, password: "a new password here", confirm: "a new password here" })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        fields: { current: [WRONG_CURRENT_PASSWORD] },
      });
    }
    await expect(changePassword(identity, { current: "guess number 4", password: "a new password here", confirm: "a new password here" })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(changePassword(identity, { current: "pw-12345678", password: "a new password here", confirm: "a new password here" })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(verifyLocalCredentials({ username: "pw-guesser", password: "pw-12345678" })).rejects.toThrow(/Too many attempts/);
    expect((await account("pw-guesser")).passwordHash).toBe(hash);
    expect(await db().auditEvent.count({ where: { action: "signin.fail", objectId: "pw-guesser", after: { path: ["during"], equals: "password change" } } })).toBe(5);
  });

  it("is not Envdeck's to do for single sign-on accounts, nor for nobody", async () => {
    const sso = await upsertOidcUser({ username: "pw-sso", displayName: null, email: null, groups: [], roles: ["student"] });
    await expect(changePassword(sso, { current: "x", password: "a new password here", confirm: "a new password here" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(changePassword(null, { current: "x", password: "a new password here", confirm: "a new password here" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("through its server action: the caller is the session, never a field; refusals come back at their fields", async () => {
    const { identity, password } = await withOneTimePassword("otp-action");
    const call = (fields: Record<string, string>) => {
      const data = new FormData();
      for (const [key, value] of Object.entries(fields)) data.append(key, value);
      return changePasswordAction({ ok: false } as ActionState<{ username: string }>, data);
    };
    session.identity = null;
    expect(await call({ current: password, password: "chosen by the owner", confirm: "chosen by the owner" })).toMatchObject({ ok: false, message: "Your session has ended. Please sign in again." });
    session.identity = identity;
    expect(await call({ current: password, password: "short", confirm: "short" })).toMatchObject({ ok: false, fieldErrors: { password: ["At least 10 characters."] } });
    // Naming another account changes nothing of it: the session says whose password this is.
    expect(await call({ username: "pw-admin", current: password, password: "chosen by the owner", confirm: "chosen by the owner" })).toMatchObject({ ok: true, result: { username: "otp-action" } });
    expect(await verifyLocalCredentials({ username: "pw-admin", password: "pw-12345678" })).not.toBeNull();
    expect((await account("otp-action")).passwordChangeRequired).toBe(false);
    // A token made before an admin's reset is not the session: it keeps working, without the duty.
    const token = await createApiToken((await loadIdentity(identity.userId))!, { name: "script" });
    await resetPassword(admin, { username: "otp-action", delivery: "password" });
    expect((await authenticateApiToken(token.token))?.passwordChangeRequired).toBeUndefined();
  });
});
