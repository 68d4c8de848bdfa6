import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as launchRoute } from "@/app/api/run/[name]/route";
import { createFront } from "@/lib/api/front";
import { SECURITY_HEADERS } from "@/lib/api/security-headers";
import { db } from "@/lib/db/client";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser, insertAvailableMembers } from "@/test/support/launch";

/**
 * The web server's front (lib/api/front.ts) on a real node:http server, with the real launch route, the real
 * database and real personal tokens. One stand-in: Next.js's request handler, which needs the production
 * build, is replaced by a listener that records what it is handed and answers 299. The production server
 * itself (scripts/web.ts) runs under every end-to-end journey and the claim benchmark.
 */

allowLaunching();
setupTestDatabase();

const handedToNext: { method: string; url: string }[] = [];
let server: http.Server;
let base: string;
let token: string;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: Record<string, unknown>;
}

/** One request over a connection of its own, sent exactly as written (no URL normalisation by a client). */
function send(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // not JSON: the stand-in's answer
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
      });
    });
    request.on("error", reject);
    // A path with spaces or other bytes a client would escape goes out as given.
    request.path = path;
    request.end();
  });
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

beforeAll(async () => {
  await createLaunchTemplate("shell");
  const warm = await createLaunchTemplate("warm", { method: "pool", poolSize: 0 });
  await insertAvailableMembers(warm.id, 2);
  const alice = await createUser({ name: "front-alice" });
  token = (await createApiToken(alice, { name: "script" })).token;
  server = http.createServer(
    createFront({
      launch: launchRoute,
      next: (request, response) => {
        handedToNext.push({ method: request.method!, url: request.url! });
        response.writeHead(299, { "content-type": "text/plain" }).end("next.js stand-in");
      },
      origin: new URL("http://127.0.0.1:3000"),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("the web server's front", () => {
  it("answers a scripted launch itself, as the route does, with the headers every response carries", async () => {
    const before = handedToNext.length;
    const created = await send("GET", "/api/run/warm", { ...bearer(token), "user-agent": "launch-script/1.0" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ outcome: "claimed", name: "warm", owner: "front-alice", pooled: true });
    expect(created.headers.location).toBe(`/api/v1/environments/${created.body.uuid as string}`);
    expect(created.headers["cache-control"]).toBe("no-store, no-transform");
    expect(created.headers["content-length"]).toBe(String(Buffer.byteLength(created.text)));
    for (const { key, value } of SECURITY_HEADERS) expect(created.headers[key.toLowerCase()], key).toBe(value);
    expect(handedToNext.length).toBe(before);

    // The audit trail names the connection's address, as it does behind Next.js (which sets X-Forwarded-For).
    const entry = await db().auditEvent.findFirstOrThrow({ where: { action: "instance.launch", objectId: created.body.uuid as string } });
    expect(entry).toMatchObject({ actorName: "front-alice", sourceAddress: "127.0.0.1", userAgent: "launch-script/1.0" });

    const again = await send("GET", "/api/run/warm", bearer(token));
    expect(again).toMatchObject({ status: 200, body: { outcome: "existing", uuid: created.body.uuid } });
  });

  it("keeps what a reverse proxy says about the client", async () => {
    const bob = await createUser({ name: "front-bob" });
    const secret = (await createApiToken(bob, { name: "behind a proxy" })).token;
    const created = await send("GET", "/api/run/shell", { ...bearer(secret), "x-forwarded-for": "198.51.100.7" });
    expect(created.status).toBe(201);
    const entry = await db().auditEvent.findFirstOrThrow({ where: { action: "instance.launch", objectId: created.body.uuid as string } });
    expect(entry.sourceAddress).toBe("198.51.100.7");
  });

  it("refuses what the route refuses, with the same answers, and launches nothing", async () => {
    const count = () => db().instance.count();
    const before = await count();
    const cases: [string, Record<string, string>, number, string][] = [
      ["/api/run/shell", bearer("edk_not-a-real-token"), 401, "UNAUTHENTICATED"],
      ["/api/run/shell", { authorization: "Basic YWxpY2U6cHc=" }, 401, "UNAUTHENTICATED"],
      ["/api/run/shell", { authorization: "" }, 401, "UNAUTHENTICATED"],
      ["/api/run/no-such-template", bearer(token), 404, "NOT_FOUND"],
      ["/api/run/shell%27%3B%20DROP%20TABLE%20instances%3B--", bearer(token), 404, "NOT_FOUND"],
      ["/api/run/%C3%A9l%C3%A8ve-%F0%9F%9A%80", bearer(token), 404, "NOT_FOUND"],
      [`/api/run/${"x".repeat(5000)}`, bearer(token), 404, "NOT_FOUND"],
      ["/api/run/shell?cpus=1&cpus=2", bearer(token), 400, "INVALID_INPUT"],
      ["/api/run/shell?note=%00", bearer(token), 400, "INVALID_INPUT"],
    ];
    for (const [path, headers, status, code] of cases) {
      const answer = await send("GET", path, headers);
      expect(answer.status, path.slice(0, 80)).toBe(status);
      expect(answer.body.code, path.slice(0, 80)).toBe(code);
      for (const { key, value } of SECURITY_HEADERS) expect(answer.headers[key.toLowerCase()], key).toBe(value);
    }
    const unauthenticated = await send("GET", "/api/run/shell", bearer("edk_not-a-real-token"));
    expect(unauthenticated.headers["www-authenticate"]).toBe('Bearer realm="envdeck"');
    expect(await count()).toBe(before);
  });

  it("hands everything else to Next.js unchanged", async () => {
    const cases: [string, string, Record<string, string>][] = [
      ["GET", "/api/run/shell", {}],
      ["GET", "/api/run/shell", { cookie: "next-auth.session-token=opaque" }],
      ["POST", "/api/run/shell", bearer(token)],
      ["DELETE", "/api/run/shell", bearer(token)],
      ["HEAD", "/api/run/shell", bearer(token)],
      ["GET", "/api/run/shell/", bearer(token)],
      ["GET", "/api/run/shell/status", bearer(token)],
      ["GET", "/api/run/", bearer(token)],
      ["GET", "/api/runs/shell", bearer(token)],
      ["GET", "//api/run/shell", bearer(token)],
      ["GET", "/api/run/%E0%A4%A", bearer(token)],
      ["GET", "/api/v1/environments", bearer(token)],
      ["GET", "/", bearer(token)],
    ];
    for (const [method, path, headers] of cases) {
      const before = handedToNext.length;
      const answer = await send(method, path, headers);
      expect(answer.status, `${method} ${path}`).toBe(299);
      expect(handedToNext.slice(before), `${method} ${path}`).toEqual([{ method, url: path }]);
    }
  });
});
