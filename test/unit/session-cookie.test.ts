import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { readSessionToken, sessionToken } from "@/lib/auth/session-cookie";

const secret = "a-test-secret-of-at-least-thirty-two-characters";
const userId = "0b5e8f7a-3c1d-4e2f-9a6b-7c8d9e0f1a2b";

describe("the session cookie", () => {
  it("is found whole, under either name, or put together from its chunks in order", () => {
    expect(sessionToken([{ name: "next-auth.session-token", value: "abc" }])).toBe("abc");
    expect(sessionToken([{ name: "__Secure-next-auth.session-token", value: "sec" }, { name: "next-auth.session-token", value: "plain" }])).toBe("sec");
    expect(
      sessionToken([
        { name: "next-auth.session-token.1", value: "second" },
        { name: "other", value: "x" },
        { name: "next-auth.session-token.0", value: "first-" },
      ]),
    ).toBe("first-second");
    expect(sessionToken([{ name: "next-auth.session-token.x", value: "no" }, { name: "next-auth.session-token.-1", value: "no" }])).toBeNull();
    expect(sessionToken([])).toBeNull();
  });

  it("says who signed in, with their claims, while it is valid", async () => {
    const token = await encode({ token: { sub: userId, claims: { department: "physics" } }, secret });
    expect(await readSessionToken(token, secret)).toEqual({ userId, claims: { department: "physics" } });
    // The same value again is answered from what was kept.
    expect(await readSessionToken(token, secret)).toEqual({ userId, claims: { department: "physics" } });
  });

  it("says nothing for an expired, tampered, foreign or malformed token", async () => {
    const expired = await encode({ token: { sub: userId }, secret, maxAge: -3600 });
    expect(await readSessionToken(expired, secret)).toBeNull();
    const valid = await encode({ token: { sub: userId }, secret });
    const tampered = `${valid.slice(0, -5)}${valid.slice(-5) === "AAAAA" ? "BBBBB" : "AAAAA"}`;
    expect(await readSessionToken(tampered, secret)).toBeNull();
    expect(await readSessionToken(await encode({ token: { sub: userId }, secret: "another-secret-of-thirty-two-characters!!" }), secret)).toBeNull();
    for (const garbage of ["", "x", "a.b.c.d.e", "\u0000", "<script>", "x".repeat(10_000)]) {
      expect(await readSessionToken(garbage, secret), garbage.slice(0, 20)).toBeNull();
    }
    expect(await readSessionToken(await encode({ token: { name: "no subject" }, secret }), secret)).toBeNull();
  });

  it("stops answering from what was kept once the session has expired", async () => {
    const token = await encode({ token: { sub: userId }, secret, maxAge: 30 });
    expect(await readSessionToken(token, secret)).not.toBeNull();
    expect(await readSessionToken(token, secret, Date.now() + 120_000)).toBeNull();
  });
});
