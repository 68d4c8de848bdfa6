import { describe, expect, it } from "vitest";
import { safeCallbackPath, signInErrorMessage } from "@/lib/auth/redirects";
import { credentialsSchema } from "@/lib/domain/credentials";

describe("credentialsSchema", () => {
  it.each([
    [{ username: "", password: "x" }, "Enter your username."],
    [{ username: "   ", password: "x" }, "Enter your username."],
    [{ username: "a", password: "" }, "Enter your password."],
    [{ username: "a".repeat(64), password: "x" }, "Usernames are at most 63 characters."],
    [{ username: "a", password: "p".repeat(257) }, "Passwords are at most 256 characters."],
    [{ username: 12, password: "x" }, "Enter your username."],
    [{ password: "x" }, "Enter your username."],
  ])("refuses %j with a clear message", (input, message) => {
    const result = credentialsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });

  it("accepts unicode and trims the username", () => {
    expect(credentialsSchema.parse({ username: "  élève  ", password: "pässwörd🔑" })).toEqual({ username: "élève", password: "pässwörd🔑" });
  });
});

describe("safeCallbackPath", () => {
  it.each([
    ["/admin", "/admin"],
    ["/run/webterm?x=1", "/run/webterm?x=1"],
    ["https://evil.example/", "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["/ok\r\nSet-Cookie: x", "/"],
    [undefined, "/"],
    [["/a", "/b"], "/"],
    ["/" + "a".repeat(3000), "/"],
  ])("%j → %j", (input, expected) => {
    expect(safeCallbackPath(input)).toBe(expected);
  });
});

describe("signInErrorMessage", () => {
  it("gives one message for wrong password and unknown user alike", () => {
    expect(signInErrorMessage("CredentialsSignin", null)).toBe("Incorrect username or password.");
  });

  it("names the provider for OIDC failures and has a fallback", () => {
    expect(signInErrorMessage("OAuthCallback", "School login")).toMatch(/School login/);
    expect(signInErrorMessage("<script>", null)).toBe("Sign-in failed. Please try again.");
    expect(signInErrorMessage(undefined, null)).toBeNull();
  });
});
