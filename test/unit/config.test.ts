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

  it("reads how many proxies append to X-Forwarded-For, one by default, and refuses anything but 0 to 10", () => {
    expect(parseConfig({}).proxyHops).toBe(1);
    expect(parseConfig({ ENVDECK_PROXY_HOPS: "0" }).proxyHops).toBe(0);
    expect(parseConfig({ ENVDECK_PROXY_HOPS: "3" }).proxyHops).toBe(3);
    for (const value of ["-1", "11", "1.5", "two", "1; rm -rf /"]) expect(problems({ ENVDECK_PROXY_HOPS: value })[0]).toMatch(/^ENVDECK_PROXY_HOPS /);
  });

  it("turns metrics on with a token of 24 to 200 visible ASCII characters, and refuses any other", () => {
    expect(parseConfig({}).metricsToken).toBeNull();
    expect(parseConfig({ ENVDECK_METRICS_TOKEN: "" }).metricsToken).toBeNull();
    const token = "0123456789abcdef0123456789abcdef";
    expect(parseConfig({ ENVDECK_METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(parseConfig({ ENVDECK_METRICS_TOKEN: "x".repeat(200) }).metricsToken).toBe("x".repeat(200));
    for (const value of ["short", "x".repeat(23), "x".repeat(201), `${token} ${token}`, `${token}\nX-Injected: 1`, `${token}é`, `${token}\u202e`, `${token}\t`]) {
      expect(problems({ ENVDECK_METRICS_TOKEN: value }), JSON.stringify(value)).toEqual([
        "ENVDECK_METRICS_TOKEN must be 24 to 200 visible ASCII characters, with no spaces (for example: openssl rand -hex 24)",
      ]);
    }
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

  describe("HOST", () => {
    const oidc = { OIDC_ISSUER: "https://id.example.edu", OIDC_CLIENT_ID: "envdeck", OIDC_CLIENT_SECRET: "secret" };

    it("listens on loopback when demo accounts with printed passwords may exist", () => {
      expect(parseConfig({}).host).toBe("127.0.0.1");
      expect(parseConfig({ ENVDECK_DEMO: "false" }).host).toBe("127.0.0.1");
      expect(parseConfig({ DATABASE_URL: "postgresql://u@db/envdeck", ENVDECK_DEMO: "true" }).host).toBe("127.0.0.1");
    });

    it("listens on every interface with a database of its own or with OIDC, as before", () => {
      expect(parseConfig({ DATABASE_URL: "postgresql://u@db/envdeck" }).host).toBe("0.0.0.0");
      expect(parseConfig(oidc).host).toBe("0.0.0.0");
    });

    it("takes an explicit HOST whatever the defaults would be", () => {
      expect(parseConfig({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
      expect(parseConfig({ HOST: "127.0.0.1", DATABASE_URL: "postgresql://u@db/envdeck" }).host).toBe("127.0.0.1");
      expect(parseConfig({ HOST: "::" }).host).toBe("::");
      expect(parseConfig({ HOST: "portal-1.example.edu" }).host).toBe("portal-1.example.edu");
    });

    it("treats an empty HOST as unset, like every variable", () => {
      expect(parseConfig({ HOST: "" }).host).toBe("127.0.0.1");
    });

    it.each([
      [{}, "http://localhost:3000"],
      [{ HOST: "0.0.0.0", PORT: "8080" }, "http://localhost:8080"],
      [{ HOST: "::1" }, "http://localhost:3000"],
      [{ HOST: "192.0.2.7" }, "http://192.0.2.7:3000"],
      [{ HOST: "fd00::7" }, "http://[fd00::7]:3000"],
      [{ HOST: "portal.example.edu", PORT: "80" }, "http://portal.example.edu:80"],
      [{ HOST: "192.0.2.7", NEXTAUTH_URL: "https://envdeck.example.edu" }, "https://envdeck.example.edu"],
    ])("keeps NEXTAUTH_URL's default on an address the portal answers on: %j", (env, url) => {
      expect(parseConfig(env).publicUrl).toBe(url);
    });

    it.each([
      [" "],
      ["   127.0.0.1"],
      ["127.0.0.1 "],
      ["my host"],
      ["http://x"],
      ["127.0.0.1:3000"],
      ["[::1]"],
      ["999.1.1.1"],
      ["1.2.3"],
      ["a".repeat(300)],
      [`${"a".repeat(64)}.example.edu`],
      ["héllo.example.edu"],
      ["ポータル"],
      ["127.0.0.1; rm -rf /"],
      ["$(id)"],
      ["`id`"],
      ["localhost && curl evil.example"],
      ["-p"],
      ["--inspect=0.0.0.0"],
      ["host\nX-Injected: 1"],
      ["host\u0000"],
      ["a..b"],
      ["-leading.example.edu"],
    ])("rejects %j with one message naming HOST", (value) => {
      const found = problems({ HOST: value });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^HOST must be an IP address \(127\.0\.0\.1, 0\.0\.0\.0, ::\) or a host name/);
    });
  });

  it("remembers the placement settings the user gave, and only those", () => {
    expect(parseConfig({}).placement).toEqual({});
    expect(parseConfig({ ENVDECK_DATA_DIR: "/srv/envdeck data", PORT: "8080", HOST: "", ENVDECK_EMBEDDED_PG_PORT: "55432" }).placement).toEqual({
      ENVDECK_DATA_DIR: "/srv/envdeck data",
      PORT: "8080",
      ENVDECK_EMBEDDED_PG_PORT: "55432",
    });
  });

  it("splits group lists and trims them", () => {
    expect(parseConfig({ ENVDECK_TEACHER_GROUPS: " teachers , ta,," }).roleGroups.teacher).toEqual(["teachers", "ta"]);
  });
});
