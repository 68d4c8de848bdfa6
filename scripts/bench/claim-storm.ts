/**
 * Claim-storm benchmark (issue "Launching"): N students press Launch on a warm pool at the same moment.
 * For N = 50, 200 and 500 concurrent launchers it measures, in one run against one embedded PostgreSQL:
 *   - service: `launch()` itself (owner lock, existing-instance and quota check, SKIP LOCKED claim, NOTIFY);
 *   - http:    the same through `GET /api/run/{name}` on the production server (`next start`, personal
 *              tokens), when a production build exists (`npm run build`); skipped otherwise. Each launcher opens
 *              a connection of its own, as scripts on as many machines do;
 *   - http kept-alive: the same over a few connections held open (`--proxy-connections`, 64), as the reverse
 *              proxy in front of a deployed portal holds them;
 *   - raw sql: the claim statement alone, one autocommit UPDATE … FOR UPDATE SKIP LOCKED per launcher, on a
 *              connection pool of the same size: what the database itself can do.
 * Each storm gets a pool with exactly N Available members, so every launch is a claim. Latency is per
 * launch, from its start to its result; throughput is claims over the storm's wall time. Every round is
 * checked: N claims, N distinct members.
 *
 *   npm run bench:claims [-- --rounds 3 --sizes 50,200,500 --connections 10 --proxy-connections 64 --no-http]
 * prints a table and one JSON line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
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
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = 100;

function assertClaims(label: string, size: number, claimed: string[]) {
  if (claimed.length !== size || new Set(claimed).size !== size || claimed.some((u) => !u)) {
    throw new Error(`${label}: expected ${size} distinct claims, got ${new Set(claimed).size}`);
  }
}

async function startServer(databaseUrl: string): Promise<{ url: string; process: ChildProcess } | null> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    log("no production build (.next): skipping the HTTP API storms; run `npm run build` first to include them");
    return null;
  }
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof") is handed to the server's node, for profiling.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
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
  throw new Error("the production server did not start within 60 s");
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
  process.env.KUBECONFIG = path.join(root, "test/fixtures/kubeconfig-never-contacted.yaml");
  process.env.ENVDECK_ENGINE = "auto";
  const prisma = createPrismaClient(database.url, connections);
  setDb(prisma);
  const raw = new pg.Pool({ connectionString: database.url, max: connections });
  // The database stops at the end while this pool may still hold a connection: that is expected, not a crash.
  raw.on("error", () => undefined);
  const server = withHttp ? await startServer(database.url) : null;

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
  const fresh = new http.Agent({ keepAlive: false });
  const keptAlive = new http.Agent({ keepAlive: true, maxSockets: proxyConnections });
  const HTTP_MODES = ["http", "http kept-alive"] as const;
  const MODES = ["raw sql", "service", ...HTTP_MODES] as const;

  type Row = { path: string; size: number; round: number } & Storm;
  const cpu: { mode: string; size: number; generatorMs: number; serverMs: number }[] = [];
  const results: Row[] = [];
  const reset = async () => {
    await prisma.instance.deleteMany({ where: { templateId: template.id } });
  };

  // Warm-up: connections, prepared plans, the composed-spec cache; the server's compiled routes and its JIT,
  // which before this made the first HTTP round about half as fast as the third.
  await fillPool(prisma, template.id, version.id, 20);
  for (const student of await createStudents(prisma, 20)) await launchInstance(student, { template: "storm" });
  if (server) {
    const warmUps = 400;
    await reset();
    await fillPool(prisma, template.id, version.id, warmUps);
    const tokens = await Promise.all((await createStudents(prisma, warmUps)).map(async (s) => (await createApiToken(s, { name: "bench" })).token));
    for (let i = 0; i < warmUps; i += 50) await Promise.all(tokens.slice(i, i + 50).map((token) => httpLaunch(server.url, token, i % 100 === 0 ? fresh : keptAlive)));
  }
  await reset();

  for (const size of sizes) {
    for (let round = 1; round <= rounds; round++) {
      for (const mode of MODES.filter((m) => server || !m.startsWith("http"))) {
        await reset();
        await fillPool(prisma, template.id, version.id, size);
        const students = await createStudents(prisma, size);
        let launchers: (() => Promise<string>)[];
        if (mode === "raw sql") {
          launchers = students.map((s) => async () => (await raw.query<{ uuid: string }>(claimSql, [template.id, s.username])).rows[0]!.uuid);
        } else if (mode === "service") {
          launchers = students.map((s) => async () => (await launchInstance(s, { template: "storm" })).environment.uuid);
        } else {
          const tokens = await Promise.all(students.map(async (s) => (await createApiToken(s, { name: "bench" })).token));
          const agent = mode === "http" ? fresh : keptAlive;
          if (agent === keptAlive) await openConnections(server!.url, keptAlive, proxyConnections);
          launchers = tokens.map((token) => () => httpLaunch(server!.url, token, agent));
        }
        const overHttp = mode.startsWith("http");
        const cpuBefore = { generator: process.cpuUsage(), server: overHttp ? await processCpuMs(server!.process.pid!) : 0 };
        const result = await storm(launchers);
        if (overHttp) {
          const generator = process.cpuUsage(cpuBefore.generator);
          cpu.push({ mode, size, generatorMs: (generator.user + generator.system) / 1000, serverMs: (await processCpuMs(server!.process.pid!)) - cpuBefore.server });
        }
        assertClaims(`${mode} ${size}`, size, result.claimed);
        results.push({ path: mode, size, round, latencies: result.latencies, wallMs: result.wallMs });
        log(`${mode.padEnd(7)} ${String(size).padStart(3)} launchers, round ${round}: ${(size / (result.wallMs / 1000)).toFixed(0)} claims/s, p99 ${percentile(result.latencies, 99).toFixed(1)} ms`);
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
  console.log(`\nClaim storms, ${rounds} rounds each, ${connections} database connections, median round throughput\n`);
  console.log("| path | launchers | p50 | p95 | p99 | claims/s | of raw SQL |");
  console.log("|---|---|---|---|---|---|---|");
  for (const s of summary) {
    console.log(`| ${s.path} | ${s.launchers} | ${s.p50} ms | ${s.p95} ms | ${s.p99} ms | ${s.claimsPerSecond} | ${((s.claimsPerSecond / rawRate(s.launchers)) * 100).toFixed(0)} % |`);
  }
  const cpuPerClaim = sizes.flatMap((size) =>
    HTTP_MODES.flatMap((mode) => {
      const rows = cpu.filter((c) => c.size === size && c.mode === mode);
      if (rows.length === 0) return [];
      const perClaim = (pick: (c: (typeof rows)[number]) => number) => +(rows.reduce((sum, c) => sum + pick(c), 0) / (rows.length * size)).toFixed(2);
      return [{ path: mode, launchers: size, serverMs: perClaim((c) => c.serverMs), generatorMs: perClaim((c) => c.generatorMs) }];
    }),
  );
  if (cpuPerClaim.length > 0) {
    console.log("\nCPU per HTTP claim (mean over rounds): the portal's server process, and this process as the load generator\n");
    console.log("| path | launchers | server CPU ms/claim | load generator CPU ms/claim |");
    console.log("|---|---|---|---|");
    for (const c of cpuPerClaim) console.log(`| ${c.path} | ${c.launchers} | ${c.serverMs} | ${c.generatorMs} |`);
  }
  console.log(JSON.stringify({ benchmark: "claim-storm", rounds, connections, results: summary, httpCpuPerClaim: cpuPerClaim }));

  fresh.destroy();
  keptAlive.destroy();
  server?.process.kill();
  await raw.end();
  await closeDb(prisma);
  await database.stop();
  await rm(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
