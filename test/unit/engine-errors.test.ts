import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isObjectNotFound, toEngineError } from "@/lib/engine/kube/errors";
import { loadKubeConfig, NO_CLUSTER_MESSAGE, selectEngine, SERVICE_ACCOUNT_TOKEN } from "@/lib/engine/select";
import { parseConfig } from "@/lib/config";

const server = "https://k8s.example.edu:6443";
const apiError = (code: number, body: unknown) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body });

describe("toEngineError", () => {
  it("names an unreachable server without a stack trace", () => {
    const error = toEngineError(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }), "apply Namespace x", server);
    expect(error.kind).toBe("unreachable");
    expect(error.message).toBe(`Cannot reach the Kubernetes API server at ${server} (ECONNREFUSED) while trying to apply Namespace x`);
  });

  it("tells expired credentials, forbidden RBAC and missing CRDs apart", () => {
    expect(toEngineError(apiError(401, { message: "Unauthorized" }), "list Namespace objects", server)).toMatchObject({ kind: "unauthorized" });
    const forbidden = toEngineError(apiError(403, { message: 'helmreleases.helm.toolkit.fluxcd.io is forbidden: User "x" cannot patch' }), "apply HelmRelease a/b", server);
    expect(forbidden.kind).toBe("forbidden");
    expect(forbidden.message).toMatch(/deploy\/rbac\.yaml/);
    expect(toEngineError(apiError(404, "404 page not found"), "apply HelmRelease a/b", server)).toMatchObject({ kind: "missing-crds" });
    expect(toEngineError(apiError(404, { message: "not found", details: { name: "b" } }), "read HelmRelease a/b", server)).toMatchObject({ kind: "server" });
  });

  it("marks objects the cluster refuses as permanent, with the API server's reason", () => {
    const error = toEngineError(apiError(422, JSON.stringify({ message: 'HelmRepository "x" is invalid: spec.url: Invalid value: "ftp://x"' })), "apply HelmRepository a/x", server);
    expect(error.kind).toBe("invalid");
    expect(error.permanent).toBe(true);
    expect(error.message).toContain("spec.url: Invalid value");
    expect(toEngineError(apiError(500, { message: "etcdserver: request timed out" }), "apply x", server).permanent).toBe(false);
  });

  it("recognises a missing object only when the 404 names it", () => {
    expect(isObjectNotFound(apiError(404, { details: { name: "x" } }))).toBe(true);
    expect(isObjectNotFound(apiError(404, "404 page not found"))).toBe(false);
    expect(isObjectNotFound(apiError(500, { details: { name: "x" } }))).toBe(false);
  });
});

describe("selectEngine", () => {
  const kubernetes = (env: Record<string, string>) => parseConfig({ ...env }).kubernetes;

  it("prefers the in-cluster service account", () => {
    const selection = selectEngine(kubernetes({ KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443", KUBECONFIG: "/k" }), () => true);
    expect(selection.kind).toBe("in-cluster");
    expect(selectEngine(kubernetes({ KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" }), (p) => p !== SERVICE_ACCOUNT_TOKEN).kind).toBe("none");
  });

  it("then the first existing KUBECONFIG file, then ~/.kube/config", () => {
    expect(selectEngine(kubernetes({ KUBECONFIG: "/a:/b", HOME: "/home/u" }), (p) => p === "/b")).toMatchObject({ kind: "kubeconfig", path: "/b" });
    expect(selectEngine(kubernetes({ HOME: "/home/u" }), (p) => p === "/home/u/.kube/config")).toMatchObject({ kind: "kubeconfig", path: "/home/u/.kube/config" });
  });

  it("otherwise none, with the message users see", () => {
    expect(selectEngine(kubernetes({ HOME: "/home/u" }), () => false)).toEqual({ kind: "none", reason: NO_CLUSTER_MESSAGE });
    expect(selectEngine(kubernetes({ ENVDECK_ENGINE: "none", KUBECONFIG: "/k" }), () => true).kind).toBe("none");
  });

  it("refuses a bad ENVDECK_ENGINE and base domain", () => {
    expect(() => parseConfig({ ENVDECK_ENGINE: "flux" })).toThrow(/ENVDECK_ENGINE must be auto/);
    expect(() => parseConfig({ ENVDECK_BASE_DOMAIN: "evil.com/path" })).toThrow(/ENVDECK_BASE_DOMAIN must be a DNS domain/);
    expect(() => parseConfig({ ENVDECK_BASE_DOMAIN: "Ünï.example" })).toThrow(/ENVDECK_BASE_DOMAIN/);
  });
});

describe("loadKubeConfig", () => {
  const write = (name: string, text: string) => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "envdeck-kc-")), name);
    writeFileSync(file, text);
    return file;
  };
  const valid = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: abc}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`;

  it("names the file when it is not a kubeconfig", () => {
    const file = write("garbage", "{{{ not: yaml");
    expect(() => loadKubeConfig({ kind: "kubeconfig", path: file, context: null, description: "" })).toThrow(`The kubeconfig ${file} cannot be read`);
  });

  it("refuses an unknown context and a kubeconfig without a current cluster", () => {
    const file = write("config", valid);
    expect(loadKubeConfig({ kind: "kubeconfig", path: file, context: null, description: "" }).getCurrentCluster()?.server).toBe("https://127.0.0.1:6443");
    expect(() => loadKubeConfig({ kind: "kubeconfig", path: file, context: "prod'; rm -rf /", description: "" })).toThrow(`has no context "prod'; rm -rf /"`);
    const empty = write("empty", "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n");
    expect(() => loadKubeConfig({ kind: "kubeconfig", path: empty, context: null, description: "" })).toThrow(/has no current cluster/);
  });

  it("refuses an overlong ENVDECK_KUBE_CONTEXT", () => {
    expect(() => parseConfig({ ENVDECK_KUBE_CONTEXT: "c".repeat(300) })).toThrow(/ENVDECK_KUBE_CONTEXT/);
  });
});
