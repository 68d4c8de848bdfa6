import { describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { db } from "@/lib/db/client";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import type { RequestOrigin } from "@/lib/domain/request-origin";
import { SignInThrottledError } from "@/lib/domain/sign-in-throttle";
import { upsertOidcUser, verifyLocalCredentials } from "@/lib/services/accounts/internal/sign-in";
import { upsertLocalUser } from "@/lib/services/accounts/upsert-local-user";
import { setupTestDatabase } from "@/test/support/database";

/**
 * Sign-in throttling against the real PostgreSQL, through the one sign-in path (`verifyLocalCredentials`)
 * and next-auth's credentials provider that calls it. Waiting out a lock-out is done by moving the recorded
 * attempts back in time, never by sleeping.
 */

setupTestDatabase();

const from = (address: string, userAgent = "Mozilla/5.0 (throttle test)"): RequestOrigin => ({ address, userAgent });
const attempt = (username: string, password: string, origin: RequestOrigin) => verifyLocalCredentials({ username, password }, origin);

/** What an attempt comes to: signed in, refused, or throttled with its message. */
async function outcome(username: string, password: string, origin: RequestOrigin): Promise<string> {
  try {
    return (await attempt(username, password, origin)) ? "signed in" : "refused";
  } catch (error) {
    if (error instanceof SignInThrottledError) return error.message;
    throw error;
  }
}

const audit = (action: string, objectId?: string) => db().auditEvent.findMany({ where: { action, ...(objectId && { objectId }) }, orderBy: { id: "asc" } });

/** As if the recorded attempts of `username` (or all) had happened `seconds` earlier. */
async function age(seconds: number, username?: string) {
  await db().$executeRaw`UPDATE sign_in_attempts SET at = at - make_interval(secs => ${seconds}) WHERE ${username ?? null}::text IS NULL OR username = ${username ?? null}`;
}

async function account(username: string, password = `pw-${username}-123`) {
  await upsertLocalUser(SYSTEM_IDENTITY, { username, password, roles: ["student"] });
  return password;
}

describe("per account", () => {
  it("refuses four wrong passwords plainly, locks on the fifth, and then refuses even the right one", async () => {
    const password = await account("hana");
    const origin = from("198.51.100.10");
    for (let i = 0; i < 4; i++) expect(await outcome("hana", "wrong", origin)).toBe("refused");
    expect(await outcome("hana", "wrong", origin)).toBe("Too many attempts. Try again in 1 minute.");
    expect(await outcome("hana", password, origin)).toBe("Too many attempts. Try again in 1 minute.");
    // From another address too: the account is what is locked.
    expect(await outcome("HANA", password, from("203.0.113.50"))).toBe("Too many attempts. Try again in 1 minute.");

    const failures = await audit("signin.fail", "hana");
    expect(failures).toHaveLength(5);
    expect(failures[0]).toMatchObject({ actorId: null, actorName: "hana", objectType: "account", sourceAddress: "198.51.100.10", userAgent: "Mozilla/5.0 (throttle test)", after: { reason: "wrong password", failures: 1 } });
    const [lockout] = await audit("signin.lockout", "hana");
    expect(lockout).toMatchObject({ objectType: "account", sourceAddress: "198.51.100.10", after: { failures: 5, waitSeconds: 60 } });
    // Refused attempts are neither counted nor audited.
    expect(await db().signInAttempt.count({ where: { username: "hana" } })).toBe(5);
    expect(await audit("signin.success", "hana")).toHaveLength(0);
  });

  it("doubles the wait with each failure after the wait, and the right password afterwards starts afresh", async () => {
    const password = await account("ivo");
    const origin = from("198.51.100.11");
    for (let i = 0; i < 5; i++) await outcome("ivo", "wrong", origin);
    await age(61, "ivo");
    expect(await outcome("ivo", "wrong", origin)).toBe("Too many attempts. Try again in 2 minutes.");
    await age(121, "ivo");
    expect(await outcome("ivo", "wrong", origin)).toBe("Too many attempts. Try again in 4 minutes.");
    expect((await audit("signin.lockout", "ivo")).map((e) => (e.after as { waitSeconds: number }).waitSeconds)).toEqual([60, 120, 240]);
    await age(241, "ivo");
    expect(await outcome("ivo", password, origin)).toBe("signed in");
    expect(await db().signInAttempt.count({ where: { username: "ivo" } })).toBe(0);
    // Failures older than the window no longer count either way.
    for (let i = 0; i < 4; i++) await outcome("ivo", "wrong", origin);
    await age(15 * 60 + 1, "ivo");
    for (let i = 0; i < 4; i++) expect(await outcome("ivo", "wrong", origin)).toBe("refused");
  });

  it("answers an unknown username exactly as an existing one, and audits why only for admins to read", async () => {
    const origin = from("198.51.100.12");
    const known = [];
    const unknown = [];
    await account("jade");
    for (let i = 0; i < 7; i++) {
      known.push(await outcome("jade", "wrong", origin));
      unknown.push(await outcome("no-such-jade", "wrong", origin));
    }
    expect(unknown).toEqual(known);
    expect((await audit("signin.fail", "no-such-jade"))[0]?.after).toMatchObject({ reason: "unknown account" });
    expect(await audit("signin.lockout", "no-such-jade")).toHaveLength(1);
  });

  it("lets a success clear the account's earlier failures", async () => {
    const password = await account("kai");
    const origin = from("198.51.100.13");
    for (let i = 0; i < 4; i++) await outcome("kai", "wrong", origin);
    expect(await outcome("kai", password, origin)).toBe("signed in");
    for (let i = 0; i < 4; i++) expect(await outcome("kai", "wrong", origin)).toBe("refused");
    const [success] = await audit("signin.success", "kai");
    expect(success).toMatchObject({ actorName: "kai", actorId: expect.any(String), sourceAddress: "198.51.100.13", after: { method: "password" } });
  });

  it("counts many guesses sent at once as they begin, so no more than five are ever checked", async () => {
    await account("lena");
    const origin = from("198.51.100.14");
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => outcome("lena", "wrong", origin)));
    expect(outcomes.filter((o) => o === "refused").length).toBeLessThanOrEqual(4);
    expect(outcomes.filter((o) => o === "refused" || o === "Too many attempts. Try again in 1 minute.")).toHaveLength(12);
    expect(await audit("signin.fail", "lena")).toHaveLength(5);
    expect(await db().signInAttempt.count({ where: { username: "lena" } })).toBe(5);
  });
});

describe("per address", () => {
  it("locks an address after twenty failures spread over many usernames, and only that address", async () => {
    const password = await account("mona");
    const sprayer = from("192.0.2.66");
    for (let i = 0; i < 19; i++) expect(await outcome(`spray-${i}`, "wrong", sprayer)).toBe("refused");
    expect(await outcome("spray-19", "wrong", sprayer)).toBe("Too many attempts. Try again in 1 minute.");
    expect(await outcome("mona", password, sprayer)).toBe("Too many attempts. Try again in 1 minute.");
    expect(await outcome("mona", password, from("192.0.2.67"))).toBe("signed in");
    const [lockout] = await audit("signin.lockout", "192.0.2.66");
    expect(lockout).toMatchObject({ objectType: "address", actorName: "spray-19", after: { failures: 20 } });
  });

  it("treats an IPv6 /64 as one address", async () => {
    const password = await account("nils");
    for (let i = 0; i < 20; i++) await outcome(`v6-${i}`, "wrong", from(`2001:db8:5:6::${(i + 1).toString(16)}`));
    expect(await outcome("nils", password, from("2001:db8:5:6:ffff::1"))).toMatch(/^Too many attempts/);
    expect(await outcome("nils", password, from("2001:db8:5:7::1"))).toBe("signed in");
    expect(await audit("signin.lockout", "2001:db8:5:6::/64")).toHaveLength(1);
  });

  it("never counts successful sign-ins, however many arrive at once from one address", async () => {
    const passwords = await Promise.all(Array.from({ length: 8 }, (_, i) => account(`class-${i}`)));
    const school = from("192.0.2.200");
    const results = await Promise.all(passwords.flatMap((password, i) => [0, 1, 2, 3].map(() => outcome(`class-${i}`, password, school))));
    expect(results.every((r) => r === "signed in")).toBe(true);
    expect(await db().signInAttempt.count({ where: { addressKey: "192.0.2.200" } })).toBe(0);
  });
});

describe("bad input", () => {
  it.each([
    ["an empty username", { username: "", password: "x" }],
    ["an overlong username", { username: "u".repeat(64), password: "x" }],
    ["an overlong password", { username: "olga", password: "p".repeat(257) }],
    ["a NUL in the username", { username: "ol\u0000ga", password: "x" }],
    ["wrong types", { username: { $gt: "" }, password: ["x"] }],
    ["nothing", undefined],
  ])("refuses %s without counting or auditing it", async (_, input) => {
    const before = { attempts: await db().signInAttempt.count(), audit: await db().auditEvent.count() };
    expect(await verifyLocalCredentials(input, from("192.0.2.9"))).toBeNull();
    expect({ attempts: await db().signInAttempt.count(), audit: await db().auditEvent.count() }).toEqual(before);
  });

  it("records hostile usernames and user agents as text, and counts unicode usernames like any other", async () => {
    const origin = from("192.0.2.10", "=HYPERLINK(\"http://evil.example\",\"x\")");
    for (const username of ["=cmd|' /C calc'!A0", "'; DROP TABLE users; --", "学生👩‍🎓"]) {
      expect(await outcome(username, "wrong", origin)).toBe("refused");
      const [entry] = await audit("signin.fail", username.toLowerCase());
      expect(entry).toMatchObject({ actorName: username.toLowerCase(), userAgent: "=HYPERLINK(\"http://evil.example\",\"x\")" });
    }
    expect(await db().user.count({ where: { username: "'; drop table users; --" } })).toBe(0);
  });
});

describe("next-auth's credentials provider", () => {
  const authorize = (credentials: Record<string, string>, headers: Record<string, string>) => {
    const provider = authOptions().providers.find((p) => p.id === "credentials") as unknown as { options: { authorize: (c: unknown, r: unknown) => Promise<unknown> } };
    return provider.options.authorize(credentials, { headers, method: "POST", body: credentials, query: {} });
  };

  it("reads the address from X-Forwarded-For and turns a lock-out into the code the sign-in form words", async () => {
    const password = await account("pia");
    const headers = { "x-forwarded-for": "10.9.8.7, 198.51.100.99", "user-agent": "Chromium e2e" };
    for (let i = 0; i < 4; i++) expect(await authorize({ username: "pia", password: "wrong" }, headers)).toBeNull();
    await expect(authorize({ username: "pia", password: "wrong" }, headers)).rejects.toThrow(/^TooManyAttempts-60$/);
    await expect(authorize({ username: "pia", password }, headers)).rejects.toThrow(/^TooManyAttempts-\d+$/);
    const [entry] = await audit("signin.fail", "pia");
    expect(entry).toMatchObject({ sourceAddress: "198.51.100.99", userAgent: "Chromium e2e" });
  });
});

describe("OpenID Connect sign-ins", () => {
  it("are audited with where they came from, and so are refusals", async () => {
    const origin = from("203.0.113.77", "Firefox");
    await upsertOidcUser({ username: "quinn", displayName: "Quinn", email: null, groups: [], roles: [] }, origin);
    expect((await audit("signin.success", "quinn"))[0]).toMatchObject({ actorName: "quinn", sourceAddress: "203.0.113.77", userAgent: "Firefox", after: { method: "oidc", created: true } });
    await account("rosa");
    await expect(upsertOidcUser({ username: "rosa", displayName: null, email: null, groups: [], roles: [] }, origin)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await audit("signin.fail", "rosa"))[0]).toMatchObject({ actorId: null, after: { method: "oidc", reason: "local account" } });
  });
});
