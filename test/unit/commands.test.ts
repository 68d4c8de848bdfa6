import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { describeCharts, describeListening, demoVariables, webServerCommand, shellCommand, shellQuote, startVariables } from "@/scripts/commands";

/** What a POSIX shell makes of a word: the proof that a printed command can be copied as it is. */
function shellReads(word: string): string {
  return execFileSync("sh", ["-c", `printf '%s' ${word}`], { encoding: "utf8" });
}

describe("webServerCommand", () => {
  it("listens on loopback with the embedded demo, and on every interface with a database of its own", () => {
    expect(webServerCommand(parseConfig({}), "start", "/usr/bin/node")).toEqual({
      command: "/usr/bin/node",
      args: ["--import", "tsx", "scripts/web.ts"],
      env: { HOST: "127.0.0.1", PORT: "3000" },
    });
    expect(webServerCommand(parseConfig({ HOST: "::" }), "start").env).toEqual({ HOST: "::", PORT: "3000" });
    expect(webServerCommand(parseConfig({ DATABASE_URL: "postgresql://u@db/envdeck", PORT: "8080" }), "dev")).toEqual({
      command: "node_modules/.bin/next",
      args: ["dev", "-H", "0.0.0.0", "-p", "8080"],
      env: {},
    });
  });
});

describe("describeListening", () => {
  it("says how to reach the portal from other machines only when it cannot be", () => {
    expect(describeListening(parseConfig({}))).toBe("portal starting on http://localhost:3000 (listening on 127.0.0.1 only; set HOST=0.0.0.0 to accept other machines)");
    expect(describeListening(parseConfig({ HOST: "0.0.0.0" }))).toBe("portal starting on http://localhost:3000 (listening on 0.0.0.0)");
  });
});

describe("shellQuote", () => {
  it.each([
    ["/srv/envdeck/data", "/srv/envdeck/data"],
    ["54330", "54330"],
    ["my data", "'my data'"],
    ["it's", `'it'\\''s'`],
    ["$(rm -rf ~)", "'$(rm -rf ~)'"],
    ["", "''"],
  ])("quotes %j as %s", (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
    expect(shellReads(quoted)).toBe(word);
  });

  it("gives back any word unchanged through a real shell", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\u0000")), (word) => shellReads(shellQuote(word)) === word),
      { numRuns: 60 },
    );
  });
});

describe("shellCommand", () => {
  it("keeps every variable, quoted, before the script", () => {
    expect(shellCommand({ KUBECONFIG: "/tmp/a b/kubeconfig", PORT: "8080" }, "npm start")).toBe("KUBECONFIG='/tmp/a b/kubeconfig' PORT=8080 npm start");
  });
});

describe("describeCharts", () => {
  it("names each chart with its version and repository, aligned", () => {
    expect(
      describeCharts("http://127.0.0.1:8879", [
        { name: "envdeck-hello", version: "0.1.0", description: "A hello page" },
        { name: "envdeck-test", version: "0.2.0", description: "" },
      ]),
    ).toEqual([
      "  envdeck-hello  version 0.1.0  repository http://127.0.0.1:8879  (A hello page)",
      "  envdeck-test   version 0.2.0  repository http://127.0.0.1:8879",
    ]);
  });
});

describe("startVariables (the command npm run cluster prints)", () => {
  const kubeconfig = "/work/envdeck/.data/cluster/kubeconfig";

  it("is the kubeconfig alone on defaults", () => {
    expect(shellCommand(startVariables(parseConfig({}), kubeconfig), "npm start")).toBe(`KUBECONFIG=${kubeconfig} npm start`);
  });

  it("keeps the data directory, ports and address the user set, quoted", () => {
    const config = parseConfig({ ENVDECK_DATA_DIR: "/srv/my data", ENVDECK_EMBEDDED_PG_PORT: "55432", PORT: "8080", HOST: "0.0.0.0", OIDC_SCOPES: "openid" });
    expect(shellCommand(startVariables(config, "/srv/my data/cluster/kubeconfig"), "npm start")).toBe(
      "KUBECONFIG='/srv/my data/cluster/kubeconfig' ENVDECK_DATA_DIR='/srv/my data' ENVDECK_EMBEDDED_PG_PORT=55432 PORT=8080 HOST=0.0.0.0 npm start",
    );
  });

  it("overrides what would keep the portal off this cluster", () => {
    expect(startVariables(parseConfig({ ENVDECK_ENGINE: "none", ENVDECK_KUBE_CONTEXT: "prod" }), kubeconfig)).toEqual({
      KUBECONFIG: kubeconfig,
      ENVDECK_KUBE_CONTEXT: "envdeck-local",
      ENVDECK_ENGINE: "auto",
    });
  });
});

describe("demoVariables (what npm run demo's portal runs with)", () => {
  const kubeconfig = "/work/envdeck/.data/demo/cluster/kubeconfig";

  it("a data directory and database of its own inside the user's, on the demo's cluster, on loopback", () => {
    const user = { ENVDECK_DATA_DIR: "/srv/envdeck" };
    const variables = demoVariables(parseConfig(user), kubeconfig);
    expect(variables).toMatchObject({ ENVDECK_DATA_DIR: "/srv/envdeck/demo", ENVDECK_EMBEDDED_PG_PORT: "54330", KUBECONFIG: kubeconfig });
    const demo = parseConfig({ ...user, ...variables });
    expect(demo).toMatchObject({ databaseUrl: undefined, dataDir: "/srv/envdeck/demo", embeddedPgPort: 54330, host: "127.0.0.1", demo: "true" });
    expect(demo.kubernetes).toMatchObject({ enabled: true, kubeconfigPaths: [kubeconfig], context: null, inCluster: false });
  });

  it("wins over whatever would point the portal at another cluster or database, and keeps the user's port settings", () => {
    const user = {
      DATABASE_URL: "postgresql://u@db.example.edu/envdeck",
      KUBECONFIG: "/home/me/.kube/prod",
      ENVDECK_KUBE_CONTEXT: "prod",
      ENVDECK_ENGINE: "none",
      KUBERNETES_SERVICE_HOST: "10.96.0.1",
      KUBERNETES_SERVICE_PORT: "443",
      ENVDECK_DEMO: "false",
      ENVDECK_EMBEDDED_PG_PORT: "55000",
      PORT: "8080",
      HOST: "0.0.0.0",
    };
    const demo = parseConfig({ ...user, ...demoVariables(parseConfig(user), kubeconfig) });
    expect(demo).toMatchObject({ databaseUrl: undefined, embeddedPgPort: 55000, port: 8080, host: "0.0.0.0", demo: "true" });
    expect(demo.kubernetes).toMatchObject({ enabled: true, kubeconfigPaths: [kubeconfig], context: null, inCluster: false });
  });
});
