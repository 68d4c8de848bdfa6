import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as environmentsRoute from "@/app/api/environments/route";
import * as openApiRoute from "@/app/api/openapi.json/route";
import * as runExtendRoute from "@/app/api/run/[name]/extend/route";
import * as runRoute from "@/app/api/run/[name]/route";
import * as runStatusRoute from "@/app/api/run/[name]/status/route";
import * as v1ExtendRoute from "@/app/api/v1/environments/[uuid]/extend/route";
import * as v1EnvironmentRoute from "@/app/api/v1/environments/[uuid]/route";
import * as v1EnvironmentsRoute from "@/app/api/v1/environments/route";
import * as v1RunRoute from "@/app/api/v1/run/[name]/route";
import * as v1TokenRoute from "@/app/api/v1/tokens/[id]/route";
import * as v1TokensRoute from "@/app/api/v1/tokens/route";
import { errorResponse } from "@/lib/api/http";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { revokeApiToken } from "@/lib/services/tokens/revoke-token";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser, insertAvailableMembers } from "@/test/support/launch";

/**
 * The REST routes called as Next calls them, against the real database and real personal tokens. Only the
 * next-auth session lookup is replaced: getServerSession needs Next's request scope, so the cookie path's
 * decoding is covered end to end by Playwright; here a session cookie means "signed in as `session.identity`".
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null, lookups: 0 }));
vi.mock("@/lib/auth/session", () => ({
  getIdentity: async () => {
    session.lookups++;
    return session.identity;
  },
}));

allowLaunching();
setupTestDatabase();

const BASE = "http://envdeck.test";
const SESSION_COOKIE = "next-auth.session-token=opaque";

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface Sent {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined when empty). */
  body: Record<string, unknown> & { error?: string; code?: string };
}

/** Calls a route handler like Next does: a Request plus `{ params: Promise }`. */
async function send(
  handler: unknown,
  url: string,
  options: { method?: string; token?: string; cookie?: boolean; headers?: Record<string, string>; body?: string; params?: Record<string, string> } = {},
): Promise<Sent> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = SESSION_COOKIE;
  const request = new Request(`${BASE}${url}`, { method: options.method ?? "GET", headers, body: options.body });
  const response = await (handler as Handler)(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

async function tokenFor(identity: Identity, input: object = { name: "script" }): Promise<string> {
  return (await createApiToken(identity, input)).token;
}

const instanceCount = () => db().instance.count();
const tokenCount = () => db().apiToken.count();

const withCpus = {
  parameters: {
    type: "object",
    properties: {
      cpus: { type: "integer", minimum: 1, maximum: 8 },
      shell: { type: "string", enum: ["/bin/bash", "/bin/zsh"], default: "/bin/bash" },
      debug: { type: "boolean", default: false },
    },
    required: ["cpus"],
  },
};

beforeAll(async () => {
  await createLaunchTemplate("shell", { spec: withCpus, ttlSeconds: 3600 });
  await createLaunchTemplate("plain", { ttlSeconds: 600, ttlExtendSeconds: 300, ttlMaxExtends: 1 });
  await createLaunchTemplate("forever", { ttlSeconds: -1 });
  await createLaunchTemplate("switched-off", { enabled: false });
  await createLaunchTemplate("single", { maxInstancesPerUser: 1 });
  await createLaunchTemplate("strict-pool", { method: "pool", poolSize: 1, poolFallback: "refuse" });
  const warm = await createLaunchTemplate("warm", { method: "pool", poolSize: 1 });
  await insertAvailableMembers(warm.id, 1);
});

beforeEach(() => {
  session.identity = null;
  session.lookups = 0;
});

describe("Dploy-compatible launch: GET /api/run/{name}", () => {
  let token: string;
  beforeAll(async () => {
    token = await tokenFor(await createUser({ name: "alice" }));
  });

  it("creates with 201, typing query values by the schema, then returns the same instance with 200", async () => {
    const first = await send(runRoute.GET, "/api/run/shell?cpus=2&debug=true", { token, params: { name: "shell" } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ outcome: "created", name: "shell", owner: "alice", phase: "Pending", params: { cpus: 2, debug: true, shell: "/bin/bash" } });
    expect(first.headers.get("location")).toBe(`/api/v1/environments/${first.body.uuid as string}`);
    expect(first.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(first.headers.get("content-type")).toMatch(/^application\/json/);

    const again = await send(runRoute.GET, "/api/run/shell?cpus=4", { token, params: { name: "shell" } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: "existing", uuid: first.body.uuid, params: { cpus: 2 } });
    expect(await db().instance.count({ where: { ownerKey: "alice" } })).toBe(1);
  });

  it("answers 201 with outcome claimed for a warm pool member", async () => {
    const response = await send(runRoute.GET, "/api/run/warm", { token, params: { name: "warm" } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ outcome: "claimed", pooled: true, phase: "Claimed", owner: "alice" });
  });

  it("refuses bad query parameters with 400 naming the parameter, and writes nothing", async () => {
    const bob = await tokenFor(await createUser({ name: "bob" }));
    const before = await instanceCount();
    const cases: [string, RegExp][] = [
      ["", /Missing required parameter "cpus"/],
      ["?shell=/bin/zsh", /Missing required parameter "cpus"/],
      ["?cpus=two", /cpus/],
      ["?cpus=99", /cpus/],
      ["?cpus=1.5", /cpus/],
      ["?cpus=1&cpus=2", /"cpus" is given more than once/],
      ["?cpus=1&admin=true", /admin/],
      ["?cpus=1&__proto__=x", /__proto__/],
      ["?cpus=1&debug=yes", /debug/],
    ];
    for (const [query, message] of cases) {
      const response = await send(runRoute.GET, `/api/run/shell${query}`, { token: bob, params: { name: "shell" } });
      expect(response.status, query).toBe(400);
      expect(response.body.code, query).toBe("INVALID_INPUT");
      expect(`${response.body.error} ${JSON.stringify(response.body.fields ?? {})}`, query).toMatch(message);
    }
    expect(await instanceCount()).toBe(before);
  });

  it("answers 404 for unknown and disabled templates, 403 over quota, 503 when the pool is exhausted", async () => {
    const carol = await tokenFor(await createUser({ name: "carol" }));
    const before = await instanceCount();
    const unknown = await send(runRoute.GET, "/api/run/no-such-template?x=1", { token: carol, params: { name: "no-such-template" } });
    expect(unknown).toMatchObject({ status: 404, body: { code: "NOT_FOUND", error: 'There is no template named "no-such-template".' } });
    const disabled = await send(runRoute.GET, "/api/run/switched-off", { token: carol, params: { name: "switched-off" } });
    expect(disabled).toMatchObject({ status: 404, body: { code: "NOT_FOUND", error: expect.stringContaining("disabled") } });
    const exhausted = await send(runRoute.GET, "/api/run/strict-pool", { token: carol, params: { name: "strict-pool" } });
    expect(exhausted).toMatchObject({ status: 503, body: { code: "POOL_EXHAUSTED", error: expect.stringContaining("No warm") } });
    expect(await instanceCount()).toBe(before);

    expect((await send(runRoute.GET, "/api/run/plain", { token: carol, params: { name: "plain" } })).status).toBe(201);
    const quota = await send(runRoute.GET, "/api/run/single", { token: carol, params: { name: "single" } });
    expect(quota).toMatchObject({ status: 403, body: { code: "QUOTA_EXCEEDED", error: expect.stringContaining("limit of 1") } });
    expect(await instanceCount()).toBe(before + 1);
  });
});

describe("Dploy-compatible status, extend, delete and list", () => {
  let token: string;
  beforeAll(async () => {
    token = await tokenFor(await createUser({ name: "dave" }));
  });

  it("extends with 200 up to the limit, then 409; an unlimited TTL is 400", async () => {
    const launched = await send(runRoute.GET, "/api/run/plain", { token, params: { name: "plain" } });
    const extended = await send(runExtendRoute.POST, "/api/run/plain/extend", { method: "POST", token, params: { name: "plain" } });
    expect(extended.status).toBe(200);
    expect(new Date(extended.body.expiresAt as string).getTime()).toBe(new Date(launched.body.expiresAt as string).getTime() + 300_000);
    expect(extended.body).toMatchObject({ uuid: launched.body.uuid, extendCount: 1, extensionsLeft: 0 });
    const refused = await send(runExtendRoute.POST, "/api/run/plain/extend", { method: "POST", token, params: { name: "plain" } });
    expect(refused).toMatchObject({ status: 409, body: { code: "CONFLICT", error: expect.stringContaining("No extensions left") } });

    await send(runRoute.GET, "/api/run/forever", { token, params: { name: "forever" } });
    const unlimited = await send(runExtendRoute.POST, "/api/run/forever/extend", { method: "POST", token, params: { name: "forever" } });
    expect(unlimited).toMatchObject({ status: 400, body: { code: "INVALID_INPUT", error: expect.stringContaining("no time limit") } });
  });

  it("lists with count and limit", async () => {
    const list = await send(environmentsRoute.GET, "/api/environments", { token });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ count: 2, limit: 5, quota: { used: 2, limit: 5 } });
    expect((list.body.environments as { name: string }[]).map((e) => e.name).sort()).toEqual(["forever", "plain"]);
  });

  it("reports status, deletes with 204 and no body, and then the status is 404", async () => {
    const status = await send(runStatusRoute.GET, "/api/run/plain/status", { token, params: { name: "plain" } });
    expect(status).toMatchObject({ status: 200, body: { name: "plain", owner: "dave", status: "pending" } });
    const deleted = await send(runRoute.DELETE, "/api/run/plain", { method: "DELETE", token, params: { name: "plain" } });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expect((await db().instance.findUniqueOrThrow({ where: { uuid: status.body.uuid as string } })).phase).toBe("Expiring");
    const after = await send(runStatusRoute.GET, "/api/run/plain/status", { token, params: { name: "plain" } });
    expect(after).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect((await send(runRoute.DELETE, "/api/run/plain", { method: "DELETE", token, params: { name: "plain" } })).status).toBe(404);
  });
});

describe("response compression", () => {
  it("leaves small JSON bodies uncompressed and lets large ones be compressed", async () => {
    const { json } = await import("@/lib/api/http");
    expect(json({ ok: true }).headers.get("cache-control")).toBe("no-store, no-transform");
    expect(json({ text: "x".repeat(10_000) }).headers.get("cache-control")).toBe("no-store");
  });
});

describe("text PostgreSQL cannot store", () => {
  it("refuses a NUL character anywhere in a query, a JSON body or a token name with a clear 400, and writes nothing", async () => {
    const user = await createUser({ name: "nul" });
    const token = await tokenFor(user);
    session.identity = user;
    const before = { instances: await instanceCount(), tokens: await db().apiToken.count(), audit: await db().auditEvent.count() };
    const responses = [
      await send(runRoute.GET, "/api/run/shell?cpus=2%00", { token, params: { name: "shell" } }),
      await send(runRoute.GET, "/api/run/shell?%00=1", { token, params: { name: "shell" } }),
      await send(v1RunRoute.POST, "/api/v1/run/shell", { method: "POST", token, params: { name: "shell" }, body: '{"params": {"cpus": "\\u0000"}}' }),
      await send(v1RunRoute.POST, "/api/v1/run/shell", { method: "POST", token, params: { name: "shell" }, body: '{"params": {"\\u0000": 1}}' }),
      await send(v1RunRoute.POST, "/api/v1/run/shell", { method: "POST", token, params: { name: "shell" }, body: '{"\\u0000": {}}' }),
      await send(v1TokensRoute.POST, "/api/v1/tokens", { method: "POST", cookie: true, body: '{"name": "ci\\u0000"}' }),
    ];
    for (const response of responses) {
      expect(response).toMatchObject({ status: 400, body: { code: "INVALID_INPUT", error: expect.stringMatching(/NUL character/) } });
    }
    expect({ instances: await instanceCount(), tokens: await db().apiToken.count(), audit: await db().auditEvent.count() }).toEqual(before);
    session.identity = null;
  });
});

describe("/api/v1 environments by uuid", () => {
  let erin: string;
  let frank: string;
  let uuid: string;
  beforeAll(async () => {
    erin = await tokenFor(await createUser({ name: "erin" }));
    frank = await tokenFor(await createUser({ name: "frank" }));
  });

  it("launches with typed JSON params (no coercion), 201 then 200", async () => {
    const created = await send(v1RunRoute.POST, "/api/v1/run/shell", { method: "POST", token: erin, params: { name: "shell" }, body: JSON.stringify({ params: { cpus: 3 } }) });
    expect(created).toMatchObject({ status: 201, body: { outcome: "created", params: { cpus: 3 } } });
    uuid = created.body.uuid as string;
    const existing = await send(v1RunRoute.POST, "/api/v1/run/shell", { method: "POST", token: erin, params: { name: "shell" }, body: '{"params": {"cpus": 5}}' });
    expect(existing).toMatchObject({ status: 200, body: { outcome: "existing", uuid } });
    const empty = await send(v1RunRoute.POST, "/api/v1/run/plain", { method: "POST", token: erin, params: { name: "plain" } });
    expect(empty).toMatchObject({ status: 201, body: { outcome: "created", name: "plain" } });
  });

  it("refuses bad launch bodies with 400 (413 over 64 kB) and writes nothing", async () => {
    const before = await instanceCount();
    const cases: [string, number, RegExp][] = [
      ['{"params": {"cpus": "3"}}', 400, /cpus/],
      ["{}", 400, /Missing required parameter "cpus"/],
      ['{"cpus": 3}', 400, /only "params".*"cpus"/],
      ['{"params": [1, 2]}', 400, /params/],
      ['{"params": "cpus=3"}', 400, /params/],
      ["cpus=3", 400, /not valid JSON/],
      ['{"params": {"cpus": 3}', 400, /not valid JSON/],
      ["[1, 2]", 400, /must be a JSON object/],
      ["null", 400, /must be a JSON object/],
      ['"text"', 400, /must be a JSON object/],
      [JSON.stringify({ params: { cpus: 1, note: "x".repeat(70_000) } }), 413, /larger than 64 kB/],
    ];
    for (const [body, status, message] of cases) {
      const response = await send(v1RunRoute.POST, "/api/v1/run/shell", { method: "POST", token: frank, params: { name: "shell" }, body });
      expect(response.status, body.slice(0, 40)).toBe(status);
      expect(`${response.body.error} ${JSON.stringify(response.body.fields ?? {})}`, body.slice(0, 40)).toMatch(message);
    }
    // A body without Content-Length (streamed) is counted as it arrives.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 100; i++) controller.enqueue(new Uint8Array(1024).fill(32));
        controller.close();
      },
    });
    const request = new Request(`${BASE}/api/v1/run/shell`, { method: "POST", headers: { authorization: `Bearer ${frank}` }, body: stream, duplex: "half" } as RequestInit);
    expect((await v1RunRoute.POST(request, { params: Promise.resolve({ name: "shell" }) })).status).toBe(413);
    const invalidUtf8 = new Request(`${BASE}/api/v1/run/shell`, { method: "POST", headers: { authorization: `Bearer ${frank}` }, body: new Uint8Array([0x7b, 0xff, 0x7d]) });
    expect((await v1RunRoute.POST(invalidUtf8, { params: Promise.resolve({ name: "shell" }) })).status).toBe(400);
    expect(await instanceCount()).toBe(before);
  });

  it("gets, lists, extends and deletes the caller's own instance", async () => {
    expect(await send(v1EnvironmentRoute.GET, `/api/v1/environments/${uuid}`, { token: erin, params: { uuid } })).toMatchObject({ status: 200, body: { uuid, owner: "erin" } });
    const list = await send(v1EnvironmentsRoute.GET, "/api/v1/environments", { token: erin });
    expect(list).toMatchObject({ status: 200, body: { count: 2, quota: { used: 2, limit: 5, templates: [{ name: "single", displayName: "single", limit: 1 }] } } });
    expect(list.body).not.toHaveProperty("limit");
    const extended = await send(v1ExtendRoute.POST, `/api/v1/environments/${uuid}/extend`, { method: "POST", token: erin, params: { uuid } });
    expect(extended).toMatchObject({ status: 200, body: { uuid, extendCount: 1 } });
  });

  it("treats another user's instance as missing: 404 for get, extend and delete, and nothing changes", async () => {
    const before = await db().instance.findUniqueOrThrow({ where: { uuid } });
    for (const [handler, method, suffix] of [
      [v1EnvironmentRoute.GET, "GET", ""],
      [v1ExtendRoute.POST, "POST", "/extend"],
      [v1EnvironmentRoute.DELETE, "DELETE", ""],
    ] as const) {
      const response = await send(handler, `/api/v1/environments/${uuid}${suffix}`, { method, token: frank, params: { uuid } });
      expect(response, `${method} ${suffix}`).toMatchObject({ status: 404, body: { code: "NOT_FOUND", error: `There is no environment "${uuid}" of yours.` } });
    }
    expect(await db().instance.findUniqueOrThrow({ where: { uuid } })).toEqual(before);
  });

  it("deletes by uuid with 204; then it is gone on every path alike, by uuid and by template name", async () => {
    const deleted = await send(v1EnvironmentRoute.DELETE, `/api/v1/environments/${uuid}`, { method: "DELETE", token: erin, params: { uuid } });
    expect(deleted).toMatchObject({ status: 204, text: "" });
    expect((await db().instance.findUniqueOrThrow({ where: { uuid } })).phase).toBe("Expiring");
    const byUuid = { token: erin, params: { uuid } };
    const byName = { token: erin, params: { name: "shell" } };
    for (const [what, response] of [
      ["DELETE by uuid", await send(v1EnvironmentRoute.DELETE, `/api/v1/environments/${uuid}`, { method: "DELETE", ...byUuid })],
      ["GET by uuid", await send(v1EnvironmentRoute.GET, `/api/v1/environments/${uuid}`, byUuid)],
      ["extend by uuid", await send(v1ExtendRoute.POST, `/api/v1/environments/${uuid}/extend`, { method: "POST", ...byUuid })],
      ["DELETE by name", await send(runRoute.DELETE, "/api/run/shell", { method: "DELETE", ...byName })],
      ["status by name", await send(runStatusRoute.GET, "/api/run/shell/status", byName)],
      ["extend by name", await send(runExtendRoute.POST, "/api/run/shell/extend", { method: "POST", ...byName })],
    ] as const) {
      expect(response, what).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    }
    expect((await db().instance.findUniqueOrThrow({ where: { uuid } })).phase).toBe("Expiring");
  });
});

describe("authentication", () => {
  let grace: Identity;
  beforeAll(async () => {
    grace = await createUser({ name: "grace" });
  });

  async function expectRefused(authorization: string | undefined, what: string) {
    const before = { instances: await instanceCount(), tokens: await db().apiToken.findMany({ orderBy: { id: "asc" } }) };
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    for (const [handler, method, url] of [
      [runRoute.GET, "GET", "/api/run/plain"],
      [v1RunRoute.POST, "POST", "/api/v1/run/plain"],
      [environmentsRoute.GET, "GET", "/api/environments"],
      [v1TokensRoute.GET, "GET", "/api/v1/tokens"],
    ] as const) {
      const response = await send(handler, url, { method, headers, params: { name: "plain" } });
      expect(response.status, `${what}: ${method} ${url}`).toBe(401);
      expect(response.body.code).toBe("UNAUTHENTICATED");
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    expect(await instanceCount()).toBe(before.instances);
    // Not even lastUsedAt moves.
    expect(await db().apiToken.findMany({ orderBy: { id: "asc" } })).toEqual(before.tokens);
    // A refused token never falls back to the session.
    expect(session.lookups).toBe(0);
  }

  it("refuses a missing, malformed, expired or revoked token with 401 and writes nothing", async () => {
    session.identity = grace;
    await expectRefused(undefined, "missing");
    const expired = await createApiToken(grace, { name: "old", expiresInDays: 1 });
    await db().apiToken.update({ where: { id: expired.summary.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectRefused(`Bearer ${expired.token}`, "expired");
    const revoked = await createApiToken(grace, { name: "gone" });
    await revokeApiToken(grace, { id: revoked.summary.id });
    await expectRefused(`Bearer ${revoked.token}`, "revoked");
    for (const authorization of ["Bearer nonsense", "Bearer", "Bearer ", `Basic ${Buffer.from("grace:pw").toString("base64")}`, `Bearer ${revoked.token.slice(0, -1)}x`, `Token ${revoked.token}`]) {
      await expectRefused(authorization, authorization);
    }
  });

  it("records a token's last use at most once a minute, and refuses a disabled account's token", async () => {
    const { token, summary } = await createApiToken(grace, { name: "busy" });
    expect((await send(environmentsRoute.GET, "/api/environments", { token })).status).toBe(200);
    const first = (await db().apiToken.findUniqueOrThrow({ where: { id: summary.id } })).lastUsedAt;
    expect(first).not.toBeNull();
    expect((await send(environmentsRoute.GET, "/api/environments", { token })).status).toBe(200);
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: summary.id } })).lastUsedAt).toEqual(first);
    await db().apiToken.update({ where: { id: summary.id }, data: { lastUsedAt: new Date(Date.now() - 120_000) } });
    expect((await send(environmentsRoute.GET, "/api/environments", { token })).status).toBe(200);
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: summary.id } })).lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 10_000);

    const leaver = await createUser({ name: "leaver" });
    const theirs = await createApiToken(leaver, { name: "script" });
    await db().user.update({ where: { id: leaver.userId }, data: { disabledAt: new Date() } });
    await expectRefused(`Bearer ${theirs.token}`, "disabled account");
  });

  it("asks the session only when a session cookie is present", async () => {
    session.identity = grace;
    const list = await send(environmentsRoute.GET, "/api/environments", { cookie: true });
    expect(list).toMatchObject({ status: 200, body: { count: 0 } });
    expect(session.lookups).toBe(1);
    session.identity = null;
    expect((await send(environmentsRoute.GET, "/api/environments", { cookie: true })).status).toBe(401);
  });

  it("serves the OpenAPI document without authentication", async () => {
    const response = await send(openApiRoute.GET, "/api/openapi.json");
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\.1\./);
    expect(session.lookups).toBe(0);
  });
});

describe("personal tokens over the API", () => {
  let heidi: Identity;
  let token: string;
  beforeAll(async () => {
    heidi = await createUser({ name: "heidi" });
    token = await tokenFor(heidi, { name: "laptop" });
  });

  it("lists tokens without their secrets", async () => {
    const list = await send(v1TokensRoute.GET, "/api/v1/tokens", { token });
    expect(list.status).toBe(200);
    expect(list.body.tokens).toEqual([expect.objectContaining({ name: "laptop", revoked: false })]);
    expect(list.text).not.toContain(token);
  });

  it("refuses to create a token with a bearer token (403), even from another site", async () => {
    const before = await tokenCount();
    for (const headers of [{}, { "sec-fetch-site": "cross-site" }] as Record<string, string>[]) {
      const response = await send(v1TokensRoute.POST, "/api/v1/tokens", { method: "POST", token, headers, body: JSON.stringify({ name: "more" }) });
      expect(response).toMatchObject({ status: 403, body: { code: "FORBIDDEN", error: expect.stringContaining("signed in to Envdeck in a browser") } });
    }
    expect(await tokenCount()).toBe(before);
  });

  it("creates a token with the session (201, secret shown once) that then works as a bearer token", async () => {
    session.identity = heidi;
    const created = await send(v1TokensRoute.POST, "/api/v1/tokens", {
      method: "POST",
      cookie: true,
      headers: { origin: BASE, "sec-fetch-site": "same-origin" },
      body: JSON.stringify({ name: "ci", expiresInDays: 30 }),
    });
    expect(created).toMatchObject({ status: 201, body: { name: "ci", revoked: false, token: expect.stringMatching(/^edk_/) } });
    session.identity = null;
    expect((await send(v1TokensRoute.GET, "/api/v1/tokens", { token: created.body.token as string })).status).toBe(200);
  });

  it("refuses bad token bodies with 400 and creates nothing", async () => {
    session.identity = heidi;
    const before = await tokenCount();
    const cases: [string, RegExp][] = [
      ["{}", /name/],
      [JSON.stringify({ name: "" }), /name/],
      [JSON.stringify({ name: "x".repeat(101) }), /At most 100/],
      [JSON.stringify({ name: "bad\u0000name" }), /NUL character/],
      [JSON.stringify({ name: "bad\u0007name" }), /control characters/],
      [JSON.stringify({ name: "tab\tname" }), /control characters/],
      [JSON.stringify({ name: "ok", expiresInDays: "abc" }), /expiresInDays/],
      [JSON.stringify({ name: "ok", expiresInDays: 0 }), /At least 1 day/],
      [JSON.stringify({ name: "ok", expiresInDays: 1000 }), /At most 365/],
      [JSON.stringify({ name: "ok", expiresInDays: 1.5 }), /whole number/],
      ["name=ok", /not valid JSON/],
      ["", /must be a JSON object/],
      ['["ok"]', /must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const response = await send(v1TokensRoute.POST, "/api/v1/tokens", { method: "POST", cookie: true, body });
      expect(response.status, body.slice(0, 40)).toBe(400);
      expect(`${response.body.error} ${JSON.stringify(response.body.fields ?? {})}`, body.slice(0, 40)).toMatch(message);
    }
    expect(await tokenCount()).toBe(before);
  });

  it("revokes with 204; the token stops working; another user's token is 404", async () => {
    const other = await createApiToken(await createUser({ name: "ivan" }), { name: "ivans" });
    const mine = await createApiToken(heidi, { name: "short-lived" });
    const foreign = await send(v1TokenRoute.DELETE, `/api/v1/tokens/${other.summary.id}`, { method: "DELETE", token, params: { id: other.summary.id } });
    expect(foreign).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: other.summary.id } })).revokedAt).toBeNull();
    for (const id of ["not-a-uuid", "' OR 1=1 --", "x".repeat(5000)]) {
      expect((await send(v1TokenRoute.DELETE, `/api/v1/tokens/x`, { method: "DELETE", token, params: { id } })).status).toBe(404);
    }
    const revoked = await send(v1TokenRoute.DELETE, `/api/v1/tokens/${mine.summary.id}`, { method: "DELETE", token: mine.token, params: { id: mine.summary.id } });
    expect(revoked).toMatchObject({ status: 204, text: "" });
    expect((await send(v1TokensRoute.GET, "/api/v1/tokens", { token: mine.token })).status).toBe(401);
  });
});

describe("CSRF guard", () => {
  let judy: Identity;
  let token: string;
  beforeAll(async () => {
    judy = await createUser({ name: "judy" });
    token = await tokenFor(judy);
  });

  it("lets bearer requests through whatever site the browser names", async () => {
    const response = await send(runRoute.GET, "/api/run/plain", { token, headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" }, params: { name: "plain" } });
    expect(response.status).toBe(201);
  });

  it("refuses cookie requests that change state when another site sent them, before asking the session", async () => {
    session.identity = judy;
    const before = { instances: await instanceCount(), row: await db().instance.findFirstOrThrow({ where: { ownerKey: "judy" } }) };
    const forged: [unknown, string, string, string, Record<string, string>][] = [
      [runRoute.GET, "GET", "/api/run/forever", "forever", { "sec-fetch-site": "cross-site" }],
      [runRoute.GET, "GET", "/api/run/forever", "forever", { "sec-fetch-site": "same-site" }],
      [runRoute.GET, "GET", "/api/run/forever", "forever", { origin: "https://evil.example" }],
      [runRoute.GET, "GET", "/api/run/forever", "forever", { origin: "null" }],
      [v1RunRoute.POST, "POST", "/api/v1/run/forever", "forever", { origin: "http://envdeck.test.evil.example" }],
      [runExtendRoute.POST, "POST", "/api/run/plain/extend", "plain", { "sec-fetch-site": "cross-site" }],
      [runRoute.DELETE, "DELETE", "/api/run/plain", "plain", { origin: "https://evil.example", "sec-fetch-site": "same-origin" }],
      [v1TokensRoute.POST, "POST", "/api/v1/tokens", "", { "sec-fetch-site": "same-site" }],
    ];
    for (const [handler, method, url, name, headers] of forged) {
      const body = method === "POST" ? JSON.stringify({ name: "x" }) : undefined;
      const response = await send(handler, url, { method, cookie: true, headers, params: { name }, body });
      expect(response.status, `${method} ${url} ${JSON.stringify(headers)}`).toBe(403);
      expect(response.body.error).toContain("another site");
    }
    expect(session.lookups).toBe(0);
    expect(await instanceCount()).toBe(before.instances);
    expect(await db().instance.findFirstOrThrow({ where: { ownerKey: "judy" } })).toEqual(before.row);
  });

  it("accepts cookie requests from the portal itself or typed into the address bar, and cross-site reads", async () => {
    session.identity = judy;
    const typed = await send(runRoute.GET, "/api/run/forever", { cookie: true, headers: { "sec-fetch-site": "none" }, params: { name: "forever" } });
    expect(typed.status).toBe(201);
    const own = await send(runExtendRoute.POST, "/api/run/plain/extend", { method: "POST", cookie: true, headers: { origin: BASE, "sec-fetch-site": "same-origin" }, params: { name: "plain" } });
    expect(own.status).toBe(200);
    const read = await send(runStatusRoute.GET, "/api/run/plain/status", { cookie: true, headers: { "sec-fetch-site": "cross-site" }, params: { name: "plain" } });
    expect(read.status).toBe(200);
  });
});

describe("hostile path names", () => {
  it("answers 404 for every route and writes nothing", async () => {
    const token = await tokenFor(await createUser({ name: "mallory" }));
    const before = await instanceCount();
    const names = ["..%2F..%2Fplain", "../plain", "plain/../shell", "%00", "ｐｌａｉｎ", "PLAIN", "plain\u0000", "x".repeat(5000), "plain'; DROP TABLE instances;--", "' OR 1=1 --", ""];
    for (const name of names) {
      const shown = JSON.stringify(name).slice(0, 40);
      for (const [handler, method] of [
        [runRoute.GET, "GET"],
        [runRoute.DELETE, "DELETE"],
        [runStatusRoute.GET, "GET"],
        [runExtendRoute.POST, "POST"],
        [v1RunRoute.POST, "POST"],
      ] as const) {
        const response = await send(handler, `/api/run/x?cpus=1`, { method, token, params: { name } });
        expect(response.status, `${method} ${shown}`).toBe(404);
      }
      for (const [handler, method] of [
        [v1EnvironmentRoute.GET, "GET"],
        [v1EnvironmentRoute.DELETE, "DELETE"],
        [v1ExtendRoute.POST, "POST"],
      ] as const) {
        expect((await send(handler, "/api/v1/environments/x", { method, token, params: { uuid: name } })).status, `${method} ${shown}`).toBe(404);
      }
    }
    expect(await instanceCount()).toBe(before);
  });
});

describe("error mapping", () => {
  it("answers an unexpected error with a generic 500, logging it but never showing it", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = errorResponse(new Error("connection to 10.0.0.5 failed for user envdeck"), new Request(`${BASE}/api/environments`));
    const body = await response.json();
    expect(response.status).toBe(500);
    expect(body).toEqual({ error: "Something went wrong on our side. Please try again later.", code: "INTERNAL" });
    expect(response.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(log).toHaveBeenCalledWith(expect.stringContaining("/api/environments"), expect.any(Error));
    log.mockRestore();
  });
});
