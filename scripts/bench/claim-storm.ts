/**
 * Claim-storm benchmark (issue "Launching"): N students press Launch on a warm pool at the same moment.
 * For N = 50, 200 and 500 concurrent launchers it measures, in one run against one embedded PostgreSQL:
 *   - service: `launch()` itself (owner lock, existing-instance and quota check, SKIP LOCKED claim, NOTIFY);
 *   - http:    the same through `GET /api/run/{name}` on the production web server as `npm start` runs it
 *              (scripts/web.ts, personal tokens), when a production build exists (`npm run build`); skipped
 *              otherwise. Each launcher opens a connection of its own, as scripts on as many machines do;
 *   - http kept-alive: the same over a few connections held open (`--proxy-connections`, 64), as the reverse
 *              proxy in front of a deployed portal holds them;
 *   - http next.js: the same request (new connections) to a second server, `next start` alone, which routes
 *              it through Next.js as the web server did before its front (lib/api/front.ts);
 *   - raw sql: the claim statement alone, one autocommit UPDATE … FOR UPDATE SKIP LOCKED per launcher, on a
 *              connection pool of the same size: what the database itself can do.
 * Each storm gets a pool with exactly N Available members, so every launch is a claim, and N new students
 * (with a token each for the HTTP paths). The tables are then vacuumed and analysed, as autovacuum leaves
 * them by the time a class starts: the pool, the roster and the tokens exist before the bell. With
 * `--fresh-rows` they are not: the server's connections then keep the plans they made while the tables were
 * small (the token check's plan scans `users`) until the tables are next analysed (BENCHMARKS.md).
 * Latency is per launch, from its start to its result; throughput is claims over the storm's wall time.
 * CPU is measured per claim for the web server, PostgreSQL (all its processes) and this process. Every round
 * is checked: N claims, N distinct members.
 *
 *   npm run bench:claims [-- --rounds 3 --sizes 50,200,500 --connections 10 --proxy-connections 64 --no-http --fresh-rows]
 * prints a table and one JSON line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import pg from "pg";
import { closeDb, createPrismaClient, setDb, type PrismaClient } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { SYSTEM_IDENTITY, type Identity } from "@/lib/domain/identity";
import { launchInstance } from "@/lib/services/instances/launch";
import { createTemplate } from "@/lib/services/templates/create-template";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { webServerCommand } from "../commands";
import { freePort } from "../free-port";

const root = path.resolve(import.meta.dirname, "../..");
const argument = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const rounds = Number(argument("rounds")) || 3;
const sizes = (argument("sizes") ?? "50,200,500").split(",").map(Number);
const connections = Number(argument("connections")) || 10;
const withHttp = !process.argv.includes("--no-http");
const proxyConnections = Number(argument("proxy-connections")) || 64;
const freshRows = process.argv.includes("--fresh-rows");
const log = (line: string) => console.error(`[bench] ${line}`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Storm {
  latencies: number[];
  wallMs: number;
}

/** Fires every launcher at once and times each one and the whole. */
async function storm(launchers: (() => Promise<string>)[]): Promise<Storm & { claimed: string[] }> {
  const start = performance.now();
  const timed = await Promise.all(
    launchers.map(async (fn) => {
      const t0 = performance.now();
      const uuid = await fn();
      return { uuid, ms: performance.now() - t0 };
    }),
  );
  return { latencies: timed.map((t) => t.ms), wallMs: performance.now() - start, claimed: timed.map((t) => t.uuid) };
}

let nextStudent = 0;
async function createStudents(prisma: PrismaClient, count: number): Promise<Identity[]> {
  const usernames = Array.from({ length: count }, () => `student-${++nextStudent}`);
  await prisma.user.createMany({ data: usernames.map((username) => ({ username, roles: ["student"] })) });
  const rows = await prisma.user.findMany({ where: { username: { in: usernames } } });
  return rows.map((u) => ({ userId: u.id, username: u.username, displayName: u.username, email: null, groups: [], roles: ["student"], claims: {}, source: "local" }));
}

/** Fills the pool with exactly `count` Available members (as the pool controller leaves them). */
async function fillPool(prisma: PrismaClient, templateId: string, versionId: string, count: number): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO instances (uuid, template_id, template_version_id, phase, pooled, namespace, url)
    SELECT u, ${templateId}::uuid, ${versionId}::uuid, 'Available', true, 'pool-storm-' || u, 'https://storm-' || u || '.bench/'
    FROM (SELECT substr(md5(random()::text || g::text), 1, 8) AS u FROM generate_series(1, ${count}) g) s
    ON CONFLICT (uuid) DO NOTHING`;
  const available = await prisma.instance.count({ where: { templateId, phase: "Available" } });
  if (available !== count) await fillPool(prisma, templateId, versionId, count - available);
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
async function processCpuMs(pid: number): Promise<number> {
  const stat = (await procStat(pid))!;
  return ((stat.utime + stat.stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = 100;

/** A process's parent and CPU ticks from /proc (Linux); null once it has gone. */
async function procStat(pid: number | string): Promise<{ ppid: number; utime: number; stime: number; cutime: number; cstime: number } | null> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (!stat) return null;
  // Fields after the command name (which may hold spaces) start at its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  return { ppid: fields[1]!, utime: fields[11]!, stime: fields[12]!, cutime: fields[13]!, cstime: fields[14]! };
}

/**
 * CPU time PostgreSQL has used so far, in ms: the postmaster and every process it started (its connections'
 * backends, the WAL writer, …), those that ended included.
 */
async function databaseCpuMs(postmasterPid: number): Promise<number> {
  let total = 0;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await procStat(entry);
    const pid = Number(entry);
    if (!stat || (pid !== postmasterPid && stat.ppid !== postmasterPid)) continue;
    // utime + stime, and for the postmaster cutime + cstime: the children that have ended.
    total += stat.utime + stat.stime + (pid === postmasterPid ? stat.cutime + stat.cstime : 0);
  }
  return (total * 1000) / CLOCK_TICKS_PER_SECOND;
}

function assertClaims(label: string, size: number, claimed: string[]) {
  if (claimed.length !== size || new Set(claimed).size !== size || claimed.some((u) => !u)) {
    throw new Error(`${label}: expected ${size} distinct claims, got ${new Set(claimed).size}`);
  }
}

interface Server {
  url: string;
  process: ChildProcess;
}

/** The web server as `npm start` runs it ("front"), or `next start` alone ("next.js"), on a port of its own. */
async function startServer(databaseUrl: string, kind: "front" | "next.js"): Promise<Server> {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof") is handed to the server's node, for profiling.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const web =
    kind === "front"
      ? webServerCommand({ host: "127.0.0.1", port }, "start")
      : { command: process.execPath, args: [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], env: {} };
  const child = spawn(web.command, [...nodeArgs, ...web.args], {
    cwd: root,
    env: {
      ...process.env,
      ...web.env,
      DATABASE_URL: databaseUrl,
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      NEXTAUTH_SECRET: "claim-storm-benchmark-secret-0123456789",
      KUBECONFIG: path.join(root, "test/fixtures/kubeconfig-never-contacted.yaml"),
      ENVDECK_ENGINE: "auto",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, process: child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error(`the production server (${kind}) did not start within 60 s`);
}

/** One GET with a personal token through `agent`: the status and the body. */
function httpGet(url: string, token: string | null, agent: http.Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers: token ? { authorization: `Bearer ${token}` } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

/** One launch through the API, as a script with a personal token does it: the claimed environment's uuid. */
async function httpLaunch(url: string, token: string, agent: http.Agent): Promise<string> {
  const { status, text } = await httpGet(`${url}/api/run/storm`, token, agent);
  if (status !== 201) throw new Error(`HTTP ${status}: ${text}`);
  return (JSON.parse(text) as { uuid: string }).uuid;
}

/** Opens the kept-alive agent's connections (a cheap request on each) so that a storm finds them open. */
async function openConnections(url: string, agent: http.Agent, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, () => httpGet(`${url}/api/health`, null, agent)));
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "envdeck-claims-"));
  await chmod(dir, 0o755);
  const database = await startEmbeddedDatabase({ dataDir: path.join(dir, "pg"), port: await freePort() });
  await migrate(database.url);
  const postmasterPid = Number((await readFile(path.join(dir, "pg", "postgres", "postmaster.pid"), "utf8")).split("\n")[0]);
  process.env.KUBECONFIG = path.join(root, "test/fixtures/kubeconfig-never-contacted.yaml");
  process.env.ENVDECK_ENGINE = "auto";
  const prisma = createPrismaClient(database.url, connections);
  setDb(prisma);
  const raw = new pg.Pool({ connectionString: database.url, max: connections });
  // The database stops at the end while this pool may still hold a connection: that is expected, not a crash.
  raw.on("error", () => undefined);
  const hasBuild = existsSync(path.join(root, ".next", "BUILD_ID"));
  if (withHttp && !hasBuild) log("no production build (.next): skipping the HTTP API storms; run `npm run build` first to include them");
  const servers = withHttp && hasBuild ? { front: await startServer(database.url, "front"), next: await startServer(database.url, "next.js") } : null;

  const template = await createTemplate(SYSTEM_IDENTITY, {
    name: "storm",
    displayName: "Storm",
    method: "pool",
    poolSize: 0,
    spec: { chart: { type: "helm", repoUrl: "https://charts.bench.invalid", chart: "storm", revision: "1.0.0" }, valuesTemplate: "host: {{ host }}\n", valueFiles: [], parameters: {}, ownerClaim: "" },
  });
  // No quota in the way: every student launches once, the pool has a member for each.
  const version = await prisma.templateVersion.findFirstOrThrow({ where: { templateId: template.id } });
  const claimSql = `
    UPDATE instances SET owner_key = $2, phase = 'Claimed', claimed_at = now(), expires_at = now() + interval '4 hours', updated_at = now()
    WHERE id = (SELECT id FROM instances WHERE template_id = $1 AND phase = 'Available' AND owner_key IS NULL AND deleted_at IS NULL
                ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING uuid`;

  // Every request on a new connection, closed after it; or at most `proxyConnections` open, reused.
  const newConnections = new http.Agent({ keepAlive: false });
  // A new set per storm: a connection left idle since an earlier one may be closed by the server's keep-alive
  // timeout just as a request is sent on it.
  const keptAliveAgent = () => new http.Agent({ keepAlive: true, maxSockets: proxyConnections });
  let keptAlive = keptAliveAgent();
  const HTTP_MODES = ["http", "http kept-alive", "http next.js"] as const;
  type HttpMode = (typeof HTTP_MODES)[number];
  const serverOf = (mode: HttpMode) => (mode === "http next.js" ? servers!.next : servers!.front);
  const MODES = ["raw sql", "service", ...HTTP_MODES] as const;

  type Row = { path: string; size: number; round: number } & Storm;
  const cpu: { mode: string; size: number; generatorMs: number; serverMs: number; databaseMs: number }[] = [];
  const results: Row[] = [];
  const reset = async () => {
    await prisma.instance.deleteMany({ where: { templateId: template.id } });
  };

  // Warm-up: connections, prepared plans, the composed-spec cache; the server's compiled routes and its JIT,
  // which before this made the first HTTP round about half as fast as the third.
  await fillPool(prisma, template.id, version.id, 20);
  for (const student of await createStudents(prisma, 20)) await launchInstance(student, { template: "storm" });
  for (const server of servers ? [servers.front, servers.next] : []) {
    const warmUps = 400;
    await reset();
    await fillPool(prisma, template.id, version.id, warmUps);
    const tokens = await Promise.all((await createStudents(prisma, warmUps)).map(async (s) => (await createApiToken(s, { name: "bench" })).token));
    for (let i = 0; i < warmUps; i += 50) await Promise.all(tokens.slice(i, i + 50).map((token) => httpLaunch(server.url, token, i % 100 === 0 ? newConnections : keptAlive)));
  }
  await reset();

  for (const size of sizes) {
    for (let round = 1; round <= rounds; round++) {
      for (const mode of MODES.filter((m) => servers || !m.startsWith("http"))) {
        await reset();
        await fillPool(prisma, template.id, version.id, size);
        const students = await createStudents(prisma, size);
        const tokens = mode.startsWith("http") ? await Promise.all(students.map(async (s) => (await createApiToken(s, { name: "bench" })).token)) : [];
        if (!freshRows) {
          // As autovacuum leaves them by the time a class starts: the rows' visibility settled, statistics current.
          for (const table of ["instances", "users", "api_tokens"]) await raw.query(`VACUUM ANALYZE ${table}`);
        }
        let launchers: (() => Promise<string>)[];
        if (mode === "raw sql") {
          launchers = students.map((s) => async () => (await raw.query<{ uuid: string }>(claimSql, [template.id, s.username])).rows[0]!.uuid);
        } else if (mode === "service") {
          launchers = students.map((s) => async () => (await launchInstance(s, { template: "storm" })).environment.uuid);
        } else {
          const server = serverOf(mode);
          if (mode === "http kept-alive") {
            keptAlive.destroy();
            keptAlive = keptAliveAgent();
            await openConnections(server.url, keptAlive, proxyConnections);
          }
          const agent = mode === "http kept-alive" ? keptAlive : newConnections;
          launchers = tokens.map((token) => () => httpLaunch(server.url, token, agent));
        }
        const server = mode === "raw sql" || mode === "service" ? null : serverOf(mode);
        const serverCpu = async () => (server ? await processCpuMs(server.process.pid!) : 0);
        const cpuBefore = { generator: process.cpuUsage(), server: await serverCpu(), database: await databaseCpuMs(postmasterPid) };
        const result = await storm(launchers);
        const generator = process.cpuUsage(cpuBefore.generator);
        cpu.push({
          mode,
          size,
          generatorMs: (generator.user + generator.system) / 1000,
          serverMs: (await serverCpu()) - cpuBefore.server,
          databaseMs: (await databaseCpuMs(postmasterPid)) - cpuBefore.database,
        });
        assertClaims(`${mode} ${size}`, size, result.claimed);
        results.push({ path: mode, size, round, latencies: result.latencies, wallMs: result.wallMs });
        log(`${mode.padEnd(15)} ${String(size).padStart(3)} launchers, round ${round}: ${(size / (result.wallMs / 1000)).toFixed(0)} claims/s, p99 ${percentile(result.latencies, 99).toFixed(1)} ms`);
      }
    }
  }

  const summary: { path: string; launchers: number; p50: number; p95: number; p99: number; claimsPerSecond: number }[] = [];
  for (const size of sizes) {
    for (const mode of MODES) {
      const rows = results.filter((r) => r.path === mode && r.size === size);
      if (rows.length === 0) continue;
      const latencies = rows.flatMap((r) => r.latencies);
      const perRound = rows.map((r) => size / (r.wallMs / 1000)).sort((a, b) => a - b);
      summary.push({
        path: mode,
        launchers: size,
        p50: +percentile(latencies, 50).toFixed(1),
        p95: +percentile(latencies, 95).toFixed(1),
        p99: +percentile(latencies, 99).toFixed(1),
        claimsPerSecond: Math.round(perRound[Math.floor(perRound.length / 2)]!),
      });
    }
  }
  const rawRate = (size: number) => summary.find((s) => s.path === "raw sql" && s.launchers === size)!.claimsPerSecond;
  console.log(`\nClaim storms, ${rounds} rounds each, ${connections} database connections, ${freshRows ? "rows fresh" : "tables vacuumed"} before each, median round throughput\n`);
  console.log("| path | launchers | p50 | p95 | p99 | claims/s | of raw SQL |");
  console.log("|---|---|---|---|---|---|---|");
  for (const s of summary) {
    console.log(`| ${s.path} | ${s.launchers} | ${s.p50} ms | ${s.p95} ms | ${s.p99} ms | ${s.claimsPerSecond} | ${((s.claimsPerSecond / rawRate(s.launchers)) * 100).toFixed(0)} % |`);
  }
  const cpuPerClaim = sizes.flatMap((size) =>
    MODES.flatMap((mode) => {
      const rows = cpu.filter((c) => c.size === size && c.mode === mode);
      if (rows.length === 0) return [];
      const perClaim = (pick: (c: (typeof rows)[number]) => number) => +(rows.reduce((sum, c) => sum + pick(c), 0) / (rows.length * size)).toFixed(2);
      return [{ path: mode, launchers: size, serverMs: perClaim((c) => c.serverMs), databaseMs: perClaim((c) => c.databaseMs), generatorMs: perClaim((c) => c.generatorMs) }];
    }),
  );
  console.log("\nCPU per claim (mean over rounds): the web server, PostgreSQL (every process of it), and this process, which");
  console.log("generates the HTTP load and runs the raw SQL and service launches itself\n");
  console.log("| path | launchers | web server ms/claim | PostgreSQL ms/claim | this process ms/claim |");
  console.log("|---|---|---|---|---|");
  for (const c of cpuPerClaim) console.log(`| ${c.path} | ${c.launchers} | ${c.serverMs || "–"} | ${c.databaseMs} | ${c.generatorMs} |`);
  console.log(JSON.stringify({ benchmark: "claim-storm", rounds, connections, freshRows, results: summary, cpuPerClaim }));

  newConnections.destroy();
  keptAlive.destroy();
  servers?.front.process.kill();
  servers?.next.process.kill();
  await raw.end();
  await closeDb(prisma);
  await database.stop();
  await rm(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
