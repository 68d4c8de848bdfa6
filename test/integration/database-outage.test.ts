import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionState } from "@/lib/auth/actions";
import { closeDb, createPrismaClient, setDb, type PrismaClient } from "@/lib/db/client";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { createUser } from "@/test/support/launch";
import { freePort } from "@/test/support/postgres";

/**
 * The portal with its database gone: the REST routes and server actions called as Next calls them, against
 * a port nothing listens on and against a real PostgreSQL server stopped (and started again) mid-test. One
 * stand-in: these run outside a Next.js request, where `cookies()` and `headers()` have nothing to read, so
 * the first answers with a real session cookie (encrypted with the portal's secret) for the user id the test
 * names, and the second with a browser's headers. Everything after it is real: decrypting the cookie and the
 * portal's own lookup of that user in the (unreachable) database.
 */
const SECRET = "database-outage-test-secret-0123456789abcdef";
process.env.NEXTAUTH_SECRET = SECRET;
const session = vi.hoisted(() => ({ userId: null as string | null, cookie: "" }));
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/headers")>()),
  cookies: async () => ({ getAll: () => (session.userId ? [{ name: "next-auth.session-token", value: session.cookie }] : []) }),
  headers: async () => new Headers({ "x-forwarded-for": "127.0.0.1", "user-agent": "Mozilla/5.0" }),
}));

/** Signs `userId` in: the cookie next-auth would have set at sign-in. */
async function signIn(userId: string) {
  session.userId = userId;
  session.cookie = await encode({ token: { sub: userId }, secret: SECRET });
}

const { createTokenAction } = await import("@/app/(student)/actions");
const { GET: listInstances } = await import("@/app/api/v1/environments/route");
const { POST: createToken } = await import("@/app/api/v1/tokens/route");

const UNAVAILABLE = { error: "The database is not reachable right now. Please try again in a moment.", code: "UNAVAILABLE" };
const WELL_FORMED_TOKEN = `edk_${"A".repeat(43)}`;

type Handler = (request: Request) => Promise<Response>;

/** Calls a route handler with a bearer token or a session cookie; returns the status and the parsed body. */
async function send(handler: Handler, options: { token?: string; session?: boolean; method?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.session) headers.cookie = "next-auth.session-token=opaque";
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const response = await handler(new Request("http://envdeck.test/api/v1/x", { method: options.method ?? "GET", headers, body }));
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as unknown };
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

describe("with nothing listening at the database address", () => {
  beforeAll(async () => {
    setDb(createPrismaClient(`postgresql://envdeck:hunter2-secret@127.0.0.1:${await freePort()}/envdeck`, 2));
    await signIn("2f0c5a52-8d3e-4c51-9d36-0b8f4f1f7a10");
  });

  it("API routes answer 503 UNAVAILABLE with a clear message, for a token and for a session, reading and writing", async () => {
    const answers = [
      await send(listInstances, { token: WELL_FORMED_TOKEN }),
      await send(listInstances, { session: true }),
      await send(createToken, { session: true, method: "POST", body: { name: "script" } }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual(UNAVAILABLE);
      expect(answer.text).not.toMatch(/hunter2|127\.0\.0\.1|ECONNREFUSED/);
    }
  });

  it("a server action returns the same sentence as its form state instead of throwing", async () => {
    const state: ActionState = await createTokenAction({ ok: false } as never, form({ name: "script" }));
    expect(state).toEqual({ ok: false, message: UNAVAILABLE.error });
  });
});

describe("when the database server stops while the portal runs", () => {
  let dataDir: string;
  let port: number;
  let server: EmbeddedDatabase | null = null;
  let client: PrismaClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "envdeck-outage-"));
    // As root the server runs as the `postgres` OS user, which must be able to enter the directory.
    await chmod(dataDir, 0o755);
    port = await freePort();
    server = await startEmbeddedDatabase({ dataDir, port });
    await migrate(server.url);
    client = createPrismaClient(server.url, 2);
    setDb(client);
  });

  afterAll(async () => {
    await closeDb(client);
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers 503 while it is down, and as before once it is back", { timeout: 60_000 }, async () => {
    await signIn((await createUser({ name: "outage" })).userId);
    const created = await send(createToken, { session: true, method: "POST", body: { name: "script" } });
    expect(created.status).toBe(201);
    const { token } = created.body as { token: string };
    expect(await send(listInstances, { token })).toMatchObject({ status: 200, body: { environments: [], count: 0 } });

    await server!.stop();
    server = null;
    expect(await send(listInstances, { token })).toMatchObject({ status: 503, body: UNAVAILABLE });
    expect(await send(listInstances, { session: true })).toMatchObject({ status: 503, body: UNAVAILABLE });
    expect(await createTokenAction({ ok: false } as never, form({ name: "another" }))).toEqual({ ok: false, message: UNAVAILABLE.error });

    server = await startEmbeddedDatabase({ dataDir, port });
    expect(await send(listInstances, { token })).toMatchObject({ status: 200, body: { environments: [], count: 0 } });
    expect(await createTokenAction({ ok: false } as never, form({ name: "another" }))).toMatchObject({ ok: true });
  });
});
