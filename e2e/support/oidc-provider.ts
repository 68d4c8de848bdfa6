import Provider from "oidc-provider";

/**
 * A real OpenID Provider (npm `oidc-provider`) on loopback for the end-to-end tests. Its development login
 * form accepts any login name; the directory below decides which claims each name gets.
 */

export const DIRECTORY: Record<string, { name: string; email: string; groups: string[] }> = {
  tina: { name: "Tina Teacher", email: "tina@school.example", groups: ["envdeck-teachers", "class-1a"] },
  oscar: { name: "Oscar Student", email: "oscar@school.example", groups: ["class-1a"] },
};

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startOidcProvider(options: { port: number; redirectUri: string }): Promise<TestOidcProvider> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const clientId = "envdeck-e2e";
  const clientSecret = "e2e-client-secret-that-is-long-enough";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username"],
      email: ["email"],
      groups: ["groups"],
    },
    scopes: ["openid", "profile", "email", "groups"],
    cookies: { keys: ["e2e-cookie-signing-key"] },
    async findAccount(_ctx, id) {
      const entry = DIRECTORY[id] ?? { name: id, email: `${id}@school.example`, groups: [] };
      return {
        accountId: id,
        async claims() {
          return { sub: id, preferred_username: id, ...entry };
        },
      };
    },
  });
  const server = provider.listen(options.port, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
