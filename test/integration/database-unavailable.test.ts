import net from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, createPrismaClient, db } from "@/lib/db/client";
import { isDatabaseUnavailable } from "@/lib/db/connect";
import { PrismaClient } from "@/lib/db/generated/client";
import { AppError } from "@/lib/domain/errors";
import { setupTestDatabase, withPg } from "@/test/support/database";
import { freePort } from "@/test/support/postgres";

/**
 * The classifier behind the API's 503 and the server actions' "try again" message, fed with errors the
 * drivers really throw: node-postgres, and Prisma over the node-postgres adapter, against a closed port, a
 * server that terminates the connection, a socket cut under the driver, and a server that never answers.
 */
const database = setupTestDatabase();

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** The error `promise` rejects with; fails the test when it succeeds. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

/** The process's kind of Prisma client for `url`, closed after the file. */
function prismaAt(url: string): PrismaClient {
  const client = createPrismaClient(url, 1);
  cleanups.push(() => closeDb(client));
  return client;
}

/** A Prisma client over a pool of our own, so a test can choose the pool's limits. */
function prismaOn(pool: pg.Pool): PrismaClient {
  pool.on("error", () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  cleanups.push(async () => {
    await client.$disconnect();
    await pool.end();
  });
  return client;
}

/** A loopback TCP server that accepts connections and does `onConnection` with each; closed after the file. */
async function tcpServer(onConnection: (socket: net.Socket) => void): Promise<number> {
  const accepted = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as net.AddressInfo).port;
}

function onPort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
}

/** Terminates the backend running a query that contains `marker`, once it is running, as an administrator would. */
async function terminateQuery(marker: string): Promise<void> {
  await withPg(database.adminUrl, async (admin) => {
    for (let tries = 0; tries < 200; tries++) {
      const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()", [
        `%${marker}%`,
      ]);
      if (rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no running query contains ${marker}`);
  });
}

describe("isDatabaseUnavailable", () => {
  it("recognises a refused connection from node-postgres and from Prisma (model query, raw query, transaction)", async () => {
    const url = `postgresql://envdeck:pw@127.0.0.1:${await freePort()}/envdeck`;
    const client = new pg.Client({ connectionString: url });
    const pool = new pg.Pool({ connectionString: url });
    cleanups.push(() => pool.end());
    const prisma = prismaAt(url);
    const errors = [
      await rejection(client.connect()),
      await rejection(pool.query("SELECT 1")),
      await rejection(prisma.user.findFirst()),
      await rejection(prisma.$queryRaw`SELECT 1`),
      await rejection(prisma.$transaction(async (tx) => tx.user.count())),
    ];
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(["ECONNREFUSED", "ECONNREFUSED", "P1001", "P2010", "P1001"]);
    for (const error of errors) expect(isDatabaseUnavailable(error), String(error)).toBe(true);
  });

  it("recognises a connection the server terminates in the middle of a query (57P01), from pg and from Prisma", async () => {
    const client = new pg.Client({ connectionString: database.url });
    client.on("error", () => undefined);
    await client.connect();
    const viaPg = rejection(client.query("SELECT pg_sleep(30) AS pg_marker_one"));
    await terminateQuery("pg_marker_one");
    const viaPrisma = rejection(db().$queryRaw`SELECT pg_sleep(30)::text AS prisma_marker_two`);
    await terminateQuery("prisma_marker_two");
    const viaTransaction = rejection(db().$transaction(async (tx) => tx.$queryRaw`SELECT pg_sleep(30)::text AS tx_marker_three`));
    await terminateQuery("tx_marker_three");

    const pgError = await viaPg;
    expect(pgError).toMatchObject({ code: "57P01" });
    expect(isDatabaseUnavailable(pgError)).toBe(true);
    // The same connection afterwards, as a caller holding it would see.
    expect(isDatabaseUnavailable(await rejection(client.query("SELECT 1")))).toBe(true);
    for (const error of [await viaPrisma, await viaTransaction]) {
      expect(error).toMatchObject({ code: "P2010" });
      expect(isDatabaseUnavailable(error)).toBe(true);
    }
    await client.end().catch(() => undefined);
  });

  it("recognises a connection cut under the driver, from pg and from Prisma", async () => {
    const target = new URL(database.url);
    const sockets = new Set<net.Socket>();
    const port = await tcpServer((socket) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const end of [socket, upstream]) {
        sockets.add(end);
        end.on("error", () => undefined);
      }
      socket.pipe(upstream).pipe(socket);
    });
    const url = onPort(database.url, port);
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => undefined);
    await client.connect();
    const prisma = prismaOn(new pg.Pool({ connectionString: url, max: 1 }));
    await prisma.$queryRaw`SELECT 1`;

    const viaPg = rejection(client.query("SELECT pg_sleep(30)"));
    const viaPrisma = rejection(prisma.$queryRaw`SELECT pg_sleep(30)::text`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const socket of sockets) socket.destroy();
    for (const error of [await viaPg, await viaPrisma]) {
      expect(error).toMatchObject({ message: "Connection terminated unexpectedly" });
      expect(isDatabaseUnavailable(error)).toBe(true);
    }
  });

  it("recognises a pool that gets no connection in time, and a server that never answers", async () => {
    const busy = new pg.Pool({ connectionString: database.url, max: 1, connectionTimeoutMillis: 200 });
    const prismaBusy = prismaOn(busy);
    const held = await busy.connect();
    const timeouts = [await rejection(busy.query("SELECT 1")), await rejection(prismaBusy.user.findFirst())];
    held.release();

    const silent = onPort(database.url, await tcpServer(() => undefined));
    const hanging = new pg.Pool({ connectionString: silent, max: 1, connectionTimeoutMillis: 300 });
    const prismaHanging = prismaOn(hanging);
    const unanswered = [await rejection(hanging.query("SELECT 1")), await rejection(prismaHanging.user.findFirst())];

    for (const error of timeouts) expect(error).toMatchObject({ message: "timeout exceeded when trying to connect" });
    for (const error of unanswered) expect(error).toMatchObject({ message: expect.stringMatching(/^Connection terminated/) });
    for (const error of [...timeouts, ...unanswered]) expect(isDatabaseUnavailable(error), String(error)).toBe(true);
  });

  it("recognises a host name that does not resolve", async () => {
    const prisma = prismaAt("postgresql://envdeck:pw@envdeck-db.invalid:5432/envdeck");
    const viaPrisma = await rejection(prisma.user.findFirst());
    const viaPg = await rejection(new pg.Client({ connectionString: "postgresql://envdeck:pw@envdeck-db.invalid:5432/envdeck" }).connect());
    expect(["ENOTFOUND", "EAI_AGAIN"]).toContain((viaPg as { code?: string }).code);
    expect(isDatabaseUnavailable(viaPg)).toBe(true);
    expect(isDatabaseUnavailable(viaPrisma)).toBe(true);
  });

  it("recognises the SQLSTATE codes of a server that cannot take connections (class 08, 57P01-57P03)", () => {
    for (const code of ["08000", "08003", "08006", "08P01", "57P01", "57P02", "57P03"]) {
      // The driver's own error class, carrying the code as the server sends it.
      const error = Object.assign(new pg.DatabaseError("the server cannot take connections", 0, "error"), { code });
      expect(isDatabaseUnavailable(error), code).toBe(true);
      expect(isDatabaseUnavailable(new Error("the query failed", { cause: error })), `cause ${code}`).toBe(true);
    }
  });

  it("leaves query errors, refused credentials, unknown databases, Prisma's own errors and everything else alone", async () => {
    const wrongPassword = new URL(database.url);
    wrongPassword.password = "not-the-password";
    const noDatabase = new URL(database.url);
    noDatabase.pathname = "/no_such_database";
    const prismaWrongPassword = prismaAt(wrongPassword.toString());
    const prismaNoDatabase = prismaAt(noDatabase.toString());
    const errors = [
      await rejection(withPg(database.url, (client) => client.query("SELECT 1/0"))),
      await rejection(db().$queryRaw`SELECT 1/0`),
      await rejection(db().user.findUniqueOrThrow({ where: { id: "00000000-0000-4000-8000-000000000000" } })),
      await rejection(withPg(wrongPassword.toString(), async () => undefined)),
      await rejection(prismaWrongPassword.user.findFirst()),
      await rejection(withPg(noDatabase.toString(), async () => undefined)),
      await rejection(prismaNoDatabase.user.findFirst()),
      new AppError("UNAVAILABLE", "No cluster."),
      new Error("connect ECONNREFUSED, said a user"),
      "ECONNREFUSED",
      { code: "P1001" },
      null,
      undefined,
    ];
    expect(errors.slice(0, 7).map((e) => (e as { code?: string }).code)).toEqual(["22012", "P2010", "P2025", "28P01", "P1000", "3D000", "P1003"]);
    for (const error of errors) expect(isDatabaseUnavailable(error), String(error)).toBe(false);
  });

  it("stops at a cause chain that loops", () => {
    const error = new Error("outer");
    const inner = new Error("inner", { cause: error });
    Object.assign(error, { cause: inner });
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
