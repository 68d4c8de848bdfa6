import { z } from "zod";

/**
 * The one place that reads process.env. Everything is validated up front so a bad setting fails at start-up
 * with a message naming the variable, never later with a confusing stack trace.
 */

const list = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  );

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const postgresUrl = z.string().refine(
  (value) => {
    if (/[\u0000-\u0020\u007f]/.test(value)) return false;
    try {
      const url = new URL(value);
      return (url.protocol === "postgresql:" || url.protocol === "postgres:") && url.hostname !== "";
    } catch {
      return false;
    }
  },
  { message: "must be a URL like postgresql://user:password@host:5432/database" },
);

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
// RFC 1123 host names, ASCII only (a Unicode name must be given in its xn-- form). A name made only of digits
// and dots is a mistyped IPv4 address, not a host name.
const hostName = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const listenAddress = z.string().refine(
  (value) => ipv4.safeParse(value).success || ipv6.safeParse(value).success || (hostName.test(value) && !/^[0-9.]+$/.test(value)),
  { message: "must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name (portal.example.edu)" },
);

/** Addresses a browser on this machine reaches as `localhost`: the loopback ones and the wildcards. */
const LOCAL_ADDRESSES = new Set(["127.0.0.1", "::1", "localhost", "0.0.0.0", "::"]);

const claimName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:/-]+$/, "must be a claim name (letters, digits, _ . : / -)");

const envSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  ENVDECK_DATA_DIR: z.string().min(1).default(".data"),
  ENVDECK_EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: listenAddress.optional(),
  NEXTAUTH_URL: z.url({ protocol: /^https?$/, error: "must be the portal's public URL, like https://envdeck.example.edu" }).optional(),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  OIDC_ISSUER: z.url({ protocol: /^https?$/, error: "must be the issuer URL of your OpenID Provider" }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_SCOPES: z.string().default("openid profile email groups"),
  OIDC_DISPLAY_NAME: z.string().min(1).max(60).default("Single sign-on"),
  OIDC_USERNAME_CLAIM: claimName.default("preferred_username"),
  OIDC_EMAIL_CLAIM: claimName.default("email"),
  OIDC_NAME_CLAIM: claimName.default("name"),
  OIDC_GROUPS_CLAIM: claimName.default("groups"),
  OIDC_ROLES_CLAIM: claimName.optional(),
  ENVDECK_ADMIN_GROUPS: list.default(["envdeck-admins"]),
  ENVDECK_TEACHER_GROUPS: list.default(["envdeck-teachers"]),
  ENVDECK_EXPOSED_CLAIMS: list.default(["email", "name"]),
  ENVDECK_LOCAL_ACCOUNTS: booleanish.default(true),
  // How many X-Forwarded-For entries from its end the client's address is (lib/domain/request-origin.ts); 0 reads none.
  ENVDECK_PROXY_HOPS: z.coerce.number({ error: "must be a whole number from 0 to 10" }).int("must be a whole number from 0 to 10").min(0).max(10).default(1),
  ENVDECK_DEMO: z.enum(["auto", "true", "false"], { error: "must be auto, true or false" }).default("auto"),
  ENVDECK_ENGINE: z.enum(["auto", "none"], { error: "must be auto (find a cluster) or none (never launch)" }).default("auto"),
  KUBECONFIG: z.string().optional(),
  ENVDECK_KUBE_CONTEXT: z.string().min(1).max(253).optional(),
  // The bearer token Prometheus sends to /api/metrics; unset turns the endpoint off (404).
  ENVDECK_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{24,200}$/, "must be 24 to 200 visible ASCII characters, with no spaces (for example: openssl rand -hex 24)")
    .optional(),
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  KUBERNETES_SERVICE_PORT: z.string().optional(),
  HOME: z.string().optional(),
  ENVDECK_BASE_DOMAIN: z
    .string()
    .max(200)
    .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a DNS domain like envs.example.edu")
    .default("envdeck.localhost"),
});

export type Config = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function toConfig(env: z.infer<typeof envSchema>, given: ReadonlySet<string>) {
  const oidc =
    env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET
      ? {
          issuer: env.OIDC_ISSUER.replace(/\/$/, ""),
          clientId: env.OIDC_CLIENT_ID,
          clientSecret: env.OIDC_CLIENT_SECRET,
          scopes: env.OIDC_SCOPES,
          displayName: env.OIDC_DISPLAY_NAME,
          claims: {
            username: env.OIDC_USERNAME_CLAIM,
            email: env.OIDC_EMAIL_CLAIM,
            name: env.OIDC_NAME_CLAIM,
            groups: env.OIDC_GROUPS_CLAIM,
            roles: env.OIDC_ROLES_CLAIM,
          },
        }
      : null;
  // Demo accounts, whose passwords are printed and saved in the data directory, may exist: on the embedded
  // database without OIDC (ENVDECK_DEMO=auto seeds them there, and they outlive ENVDECK_DEMO=false), and
  // wherever ENVDECK_DEMO=true. Such a portal listens on loopback unless HOST says otherwise.
  const demoAccountsMayExist = (!env.DATABASE_URL && !oidc) || env.ENVDECK_DEMO === "true";
  const host = env.HOST ?? (demoAccountsMayExist ? "127.0.0.1" : "0.0.0.0");
  const urlHost = LOCAL_ADDRESSES.has(host) ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return {
    databaseUrl: env.DATABASE_URL,
    dataDir: env.ENVDECK_DATA_DIR,
    embeddedPgPort: env.ENVDECK_EMBEDDED_PG_PORT,
    port: env.PORT,
    /** The address the web server listens on (HOST). */
    host,
    publicUrl: env.NEXTAUTH_URL ?? `http://${urlHost}:${env.PORT}`,
    authSecret: env.NEXTAUTH_SECRET,
    oidc,
    roleGroups: { admin: env.ENVDECK_ADMIN_GROUPS, teacher: env.ENVDECK_TEACHER_GROUPS },
    exposedClaims: env.ENVDECK_EXPOSED_CLAIMS,
    localAccounts: env.ENVDECK_LOCAL_ACCOUNTS,
    /** Proxies that append to X-Forwarded-For in front of the web server (1: one, or none at all). */
    proxyHops: env.ENVDECK_PROXY_HOPS,
    demo: env.ENVDECK_DEMO,
    kubernetes: {
      enabled: env.ENVDECK_ENGINE === "auto",
      // KUBECONFIG may list several files, like kubectl's; the first one that exists is used.
      kubeconfigPaths: (env.KUBECONFIG ?? "").split(":").filter(Boolean),
      defaultKubeconfig: env.HOME ? `${env.HOME}/.kube/config` : null,
      context: env.ENVDECK_KUBE_CONTEXT ?? null,
      inCluster: Boolean(env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT),
    },
    baseDomain: env.ENVDECK_BASE_DOMAIN,
    /** The token /api/metrics asks for; null: the endpoint is off. Never stored, never logged. */
    metricsToken: env.ENVDECK_METRICS_TOKEN ?? null,
    /**
     * Where this portal lives, as the user set it (unset ones left out), for commands printed back to them:
     * a command that starts the portal elsewhere must keep these.
     */
    placement: Object.fromEntries(
      (["ENVDECK_DATA_DIR", "ENVDECK_EMBEDDED_PG_PORT", "PORT", "HOST"] as const).filter((key) => given.has(key)).map((key) => [key, String(env[key])]),
    ) as Partial<Record<"ENVDECK_DATA_DIR" | "ENVDECK_EMBEDDED_PG_PORT" | "PORT" | "HOST", string>>,
  };
}

/** Parses an environment into a Config, or throws a ConfigError that lists every problem. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "unset": shells and compose files often export KEY= for optional settings.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  const problems: string[] = [];
  const oidcKeys = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const;
  const setKeys = oidcKeys.filter((k) => parsed.data[k]);
  if (setKeys.length > 0 && setKeys.length < oidcKeys.length) {
    const missing = oidcKeys.filter((k) => !parsed.data[k]);
    problems.push(`OIDC sign-in is partly configured: ${missing.join(" and ")} missing (set all three, or none)`);
  }
  const config = toConfig(parsed.data, new Set(Object.keys(present)));
  if (!config.localAccounts && !config.oidc) {
    problems.push("ENVDECK_LOCAL_ACCOUNTS is false and OIDC is not configured: nobody could sign in");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The process configuration with some variables replaced, for a script that runs the portal in a setting of
 * its own (`npm run demo`); the same values go into its child processes' environment.
 */
export function configWith(overrides: Record<string, string>): Config {
  return parseConfig({ ...process.env, ...overrides });
}

let cached: Config | undefined;

/** The process configuration, parsed once on first use (never at import, so builds need no environment). */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
