/**
 * Pure helpers for the commands the scripts run and the commands they print for the user to copy.
 */
import path from "node:path";
import type { Config } from "@/lib/config";
import type { ServedChart } from "./cluster/control-plane";

export interface WebServerCommand {
  command: string;
  args: string[];
  /** Added to the environment it runs in. */
  env: Record<string, string>;
}

/**
 * How the web server is started, listening on HOST and PORT: the production build behind its front
 * (scripts/web.ts, node with tsx as a loader so signals reach it), or `next dev`. HOST and PORT are given to the
 * production server explicitly: its own reading of the defaults could differ once DATABASE_URL is set for it.
 */
export function webServerCommand(config: Pick<Config, "host" | "port">, mode: "start" | "dev", node = process.execPath): WebServerCommand {
  if (mode === "dev") return { command: path.join("node_modules", ".bin", "next"), args: ["dev", "-H", config.host, "-p", String(config.port)], env: {} };
  return { command: node, args: ["--import", "tsx", path.join("scripts", "web.ts")], env: { HOST: config.host, PORT: String(config.port) } };
}

/** A line telling where the portal answers and, when only this machine can reach it, how to open it to others. */
export function describeListening(config: Pick<Config, "host" | "publicUrl">): string {
  const loopback = config.host === "localhost" || config.host === "::1" || config.host.startsWith("127.");
  return `portal starting on ${config.publicUrl} (listening on ${config.host}${loopback ? " only; set HOST=0.0.0.0 to accept other machines" : ""})`;
}

/** A word as a POSIX shell reads it back unchanged: bare when it is plainly safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `NAME=value … npm <script>`, every value quoted for the shell, in the order given. */
export function shellCommand(variables: Record<string, string>, script: string): string {
  const assignments = Object.entries(variables).map(([name, value]) => `${name}=${shellQuote(value)}`);
  return [...assignments, script].join(" ");
}

/** One line per chart a Helm repository serves, as a template's chart source names it. */
export function describeCharts(repositoryUrl: string, charts: ServedChart[]): string[] {
  const width = Math.max(0, ...charts.map((c) => c.name.length));
  return charts.map((c) => `  ${c.name.padEnd(width)}  version ${c.version}  repository ${repositoryUrl}${c.description ? `  (${c.description})` : ""}`);
}

/**
 * The environment `npm start` needs to use a local cluster: its kubeconfig, plus the user's own data
 * directory, ports and address, which a printed command without them would silently drop.
 */
export function startVariables(config: Pick<Config, "kubernetes" | "placement">, kubeconfigPath: string): Record<string, string> {
  return {
    KUBECONFIG: kubeconfigPath,
    // The kubeconfig has one context; one set for another cluster would not be found in it.
    ...(config.kubernetes.context && { ENVDECK_KUBE_CONTEXT: "envdeck-local" }),
    ...(!config.kubernetes.enabled && { ENVDECK_ENGINE: "auto" }),
    ...config.placement,
  };
}

/** The demo's embedded PostgreSQL, one above `npm start`'s default so the two can run side by side. */
export const DEMO_EMBEDDED_PG_PORT = 54330;

/** Everything the demo keeps lives here, apart from `npm start`'s accounts and templates. */
export function demoDataDir(config: Pick<Config, "dataDir">): string {
  return path.resolve(config.dataDir, "demo");
}

/**
 * The variables the demo's portal runs with, in this process and in the web server and worker it starts:
 * its own data directory and database, and the local cluster instead of any other.
 */
export function demoVariables(config: Pick<Config, "dataDir" | "placement">, kubeconfigPath: string): Record<string, string> {
  return {
    // The demo's database is always its own embedded one (main() refuses a DATABASE_URL, with the reason).
    DATABASE_URL: "",
    ENVDECK_DATA_DIR: demoDataDir(config),
    ENVDECK_EMBEDDED_PG_PORT: config.placement.ENVDECK_EMBEDDED_PG_PORT ?? String(DEMO_EMBEDDED_PG_PORT),
    KUBECONFIG: kubeconfigPath,
    ENVDECK_ENGINE: "auto",
    // Empty means unset: a context or an in-cluster service account from the user's environment would
    // otherwise win over the demo's cluster.
    ENVDECK_KUBE_CONTEXT: "",
    KUBERNETES_SERVICE_HOST: "",
    ENVDECK_DEMO: "true",
  };
}
