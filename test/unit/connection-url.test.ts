import { describe, expect, it } from "vitest";
import { TemplateError } from "@/lib/templates/errors";
import { resolveConnectionUrl, renderUrlTemplate } from "@/lib/templates/url";
import { baseContext } from "@/test/fixtures/render-context";
import { HOSTILE_VALUES } from "@/test/fixtures/hostile-values";

describe("connection URL precedence", () => {
  const context = { ...baseContext, uuid: "0a1b2c3d", host: "webterm-0a1b2c3d.envs.example.edu" };

  it("uses the template's URL template first", async () => {
    const url = await resolveConnectionUrl({ templateUrl: "https://{{ host }}/lab?user={{ owner }}", clusterUrl: "https://cluster.example/{{ uuid }}", context, defaultHost: "x" });
    expect(url).toBe(`https://webterm-0a1b2c3d.envs.example.edu/lab?user=${context.owner}`);
  });

  it("then the cluster-wide template, then https://<name>-<uuid>.<baseDomain>/", async () => {
    expect(await resolveConnectionUrl({ templateUrl: null, clusterUrl: "https://envs.example.edu/{{ uuid }}/", context, defaultHost: "x" })).toBe("https://envs.example.edu/0a1b2c3d/");
    expect(await resolveConnectionUrl({ templateUrl: "", clusterUrl: null, context, defaultHost: "webterm-0a1b2c3d.envs.example.edu" })).toBe("https://webterm-0a1b2c3d.envs.example.edu/");
  });

  it("percent-encodes values so they cannot change the scheme, host or query", async () => {
    for (const value of HOSTILE_VALUES.slice(0, 120)) {
      const url = new URL(await renderUrlTemplate("https://envs.example.edu/u/{{ owner }}", { ...context, owner: value }));
      expect(url.host, JSON.stringify(value)).toBe("envs.example.edu");
      expect(url.search).toBe("");
      expect(url.hash).toBe("");
      expect(url.pathname.startsWith("/u/")).toBe(true);
    }
    // In the host, an encoded character makes the URL invalid: refused rather than pointing elsewhere.
    await expect(renderUrlTemplate("https://{{ owner }}.envs.example.edu/", { ...context, owner: "evil.com/@x" })).rejects.toThrow(/not a valid URL/);
    expect(await renderUrlTemplate("https://{{ owner }}.envs.example.edu/", { ...context, owner: "alice" })).toBe("https://alice.envs.example.edu/");
  });

  it("refuses results that are not http(s) URLs, unknown variables and bad syntax", async () => {
    await expect(renderUrlTemplate("javascript:alert(1)//{{ uuid }}", context)).rejects.toThrow(/must start with https:\/\/ or http:\/\//);
    await expect(renderUrlTemplate("{{ owner }}", context)).rejects.toThrow(/not a valid URL/);
    await expect(renderUrlTemplate("https://{{ nope }}.x/", context)).rejects.toBeInstanceOf(TemplateError);
    await expect(renderUrlTemplate("https://{{ uuid", context)).rejects.toThrow(TemplateError);
    await expect(renderUrlTemplate(`https://x/${"a".repeat(3000)}`, context)).rejects.toThrow(/at most 2048/);
  });

  it("has no way around the escaping and no way to the portal's files: no raw filter, no file tags", async () => {
    await expect(renderUrlTemplate("https://envs.example.edu/{{ owner | raw }}", { ...context, owner: "x@evil.example/" })).rejects.toThrow(/raw filter is not available/);
    // The portal's working directory holds its package.json (and, embedded, its data directory).
    for (const tag of ["include", "render", "layout"]) {
      await expect(renderUrlTemplate(`https://envs.example.edu/{% ${tag} 'package.json' %}`, context)).rejects.toThrow(new RegExp(`${tag} tag is not available`));
    }
  });
});
