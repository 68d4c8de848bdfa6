import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("runs on embedded defaults with an empty environment", () => {
    const config = parseConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(".data");
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe("http://localhost:3000");
    expect(config.oidc).toBeNull();
    expect(config.localAccounts).toBe(true);
    expect(config.roleGroups).toEqual({ admin: ["envdeck-admins"], teacher: ["envdeck-teachers"] });
  });

  it("treats empty variables as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", OIDC_ISSUER: "" }).databaseUrl).toBeUndefined();
  });

  it.each([
    ["not a url"],
    ["mysql://user@host/db"],
    ["postgresql://"],
    ["http://localhost:5432/db"],
    ["postgresql://host/db'; DROP TABLE users; --\u0000"],
    ["postgresql://user:pa ss@host/db"],
    ["postgresql://host:99999/db"],
  ])("rejects the malformed DATABASE_URL %j with a message naming the variable", (value) => {
    const [problem] = problems({ DATABASE_URL: value });
    expect(problem).toMatch(/^DATABASE_URL must be a URL like postgresql:\/\//);
  });

  it("accepts postgres:// and postgresql:// URLs", () => {
    expect(parseConfig({ DATABASE_URL: "postgres://u:p@db.example:5432/envdeck" }).databaseUrl).toContain("db.example");
    expect(parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/envdeck" }).databaseUrl).toContain("127.0.0.1");
  });

  it.each([
    [{ OIDC_ISSUER: "https://id.example.edu" }, /OIDC_CLIENT_ID and OIDC_CLIENT_SECRET missing/],
    [{ OIDC_ISSUER: "https://id.example.edu", OIDC_CLIENT_ID: "envdeck" }, /OIDC_CLIENT_SECRET missing/],
    [{ OIDC_CLIENT_ID: "envdeck", OIDC_CLIENT_SECRET: "s" }, /OIDC_ISSUER missing/],
  ])("names the missing OIDC settings when OIDC is partly configured", (env, message) => {
    expect(problems(env).join("\n")).toMatch(message);
  });

  it("rejects an issuer that is not a URL", () => {
    expect(problems({ OIDC_ISSUER: "keycloak", OIDC_CLIENT_ID: "a", OIDC_CLIENT_SECRET: "b" })[0]).toMatch(/^OIDC_ISSUER/);
  });

  it("builds the OIDC settings with configurable claim names", () => {
    const config = parseConfig({
      OIDC_ISSUER: "https://id.example.edu/realms/school/",
      OIDC_CLIENT_ID: "envdeck",
      OIDC_CLIENT_SECRET: "secret",
      OIDC_USERNAME_CLAIM: "upn",
      OIDC_GROUPS_CLAIM: "roles",
    });
    expect(config.oidc?.issuer).toBe("https://id.example.edu/realms/school");
    expect(config.oidc?.claims).toMatchObject({ username: "upn", groups: "roles", email: "email" });
  });

  it.each([["pre ferred"], ["a".repeat(101)], ["claim${x}"], ["名前"]])("rejects the claim name %j", (name) => {
    expect(problems({ OIDC_USERNAME_CLAIM: name })[0]).toMatch(/^OIDC_USERNAME_CLAIM/);
  });

  it.each([
    [{ PORT: "eighty" }, /^PORT/],
    [{ PORT: "70000" }, /^PORT/],
    [{ ENVDECK_EMBEDDED_PG_PORT: "-1" }, /^ENVDECK_EMBEDDED_PG_PORT/],
    [{ NEXTAUTH_SECRET: "short" }, /^NEXTAUTH_SECRET must be at least 32 characters/],
    [{ NEXTAUTH_URL: "localhost:3000" }, /^NEXTAUTH_URL/],
    [{ ENVDECK_LOCAL_ACCOUNTS: "maybe" }, /^ENVDECK_LOCAL_ACCOUNTS must be true or false/],
    [{ ENVDECK_DEMO: "sometimes" }, /^ENVDECK_DEMO must be auto, true or false/],
  ])("rejects %j", (env, message) => {
    expect(problems(env)[0]).toMatch(message);
  });

  it("refuses a configuration nobody could sign in with", () => {
    expect(problems({ ENVDECK_LOCAL_ACCOUNTS: "false" })[0]).toMatch(/nobody could sign in/);
  });

  it("lists every problem at once", () => {
    expect(problems({ PORT: "x", ENVDECK_DEMO: "y" })).toHaveLength(2);
  });

  it("splits group lists and trims them", () => {
    expect(parseConfig({ ENVDECK_TEACHER_GROUPS: " teachers , ta,," }).roleGroups.teacher).toEqual(["teachers", "ta"]);
  });
});
