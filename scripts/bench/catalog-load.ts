/**
 * Catalog benchmark: with 200 templates, how many requests per second the catalog page (`GET /`) serves on the
 * production build, and how much JavaScript a first visit loads.
 *
 * Seeds a fresh embedded PostgreSQL: 200 (`--templates`) valid visible templates in 10 categories with
 * subcategories (1 in 50 disabled, 1 in 10 a pool, half of those with Available members, i.e. an "Instant"
 * badge), two teacher catalogs for the student's group and one for another group, and one student. Starts
 * the production web server (scripts/web.ts) on loopback, signs the student in through next-auth's
 * credentials flow and loads the page with autocannon, which shares the machine with the server.
 *
 * In the same run, rounds alternating with the catalog's, it loads the sign-in page as a yardstick: the aim is
 * a catalog at least half as fast as a page that renders a form and reads nothing.
 *
 * Every run is checked: all responses 2xx, about as many bytes per response as the sampled page, and the
 * sampled page names every template, so a redirect to sign-in or an error page cannot pass.
 * First-load JS: every script under /_next/static the page references (<script src> and script preloads),
 * each fetched and compressed with gzip at level 9, summed; brotli (quality 11) alongside for comparison.
 * `<script nomodule>` polyfills are listed but not counted: browsers with module support never fetch them.
 * The framework's floor is measured the same way from the scripts Next.js loads on every App Router page (the
 * build manifest's `rootMainFiles`); the aim is a catalog within 10 kB of it.
 *
 *   npm run bench:catalog [-- --connections 10 --duration 15 --rounds 3 --warmup 5 --encodings gzip,identity --templates 200]
 * needs a production build (`npx next build`); prints tables and one JSON line.
 */
import http from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import autocannon from "autocannon";
import type { PrismaClient } from "@/lib/db/client";
import { TEMPLATE_ICONS } from "@/lib/domain/catalog";
import { upsertLocalUser } from "@/lib/services/accounts/upsert-local-user";
import { createTemplate } from "@/lib/services/templates/create-template";
import { argument, log, runPageBench, signIn } from "./portal";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";

const TEMPLATES = Number(argument("templates")) || 200;
const connections = (argument("connections") ?? "10").split(",").map(Number);
const duration = Number(argument("duration")) || 15;
const rounds = Number(argument("rounds")) || 3;
const warmup = Number(argument("warmup")) || 5;
const encodings = (argument("encodings") ?? "gzip,identity").split(",");
/** The catalog should serve at least this share of the sign-in page's requests per second. */
const AIM_RATIO = 0.5;
/** First-load JavaScript should stay within this much of the framework's own floor (gzip -9). */
const AIM_JS_OVER_FLOOR = 10_000;
/** What a browser's Accept header says when it opens a page: the catalog answers a page load with HTML alone. */
const PAGE_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

const CATEGORIES: [string, string[]][] = [
  ["programming", ["python", "java", "web"]],
  ["data science", ["notebooks", "statistics"]],
  ["linux", ["shell", "administration"]],
  ["networking", ["routing", "services"]],
  ["security", ["forensics", "capture the flag"]],
  ["devops", ["containers", "ci"]],
  ["machine learning", ["training", "inference"]],
  ["databases", ["sql", "nosql"]],
  ["design", ["graphics", "cad"]],
  ["mathematics", ["algebra", "numerics"]],
];

interface Seeded {
  displayNames: string[];
  instantNames: string[];
  studentCatalogTitles: string[];
  foreignCatalogTitle: string;
  password: string;
}

/** The catalog's content; `template i` is deterministic so runs compare. */
async function seed(prisma: PrismaClient): Promise<Seeded> {
  const password = "bench-student-password";
  await upsertLocalUser(SYSTEM_IDENTITY, { username: "bench-student", password, roles: ["student"], groups: ["class-1a"] });
  const teacher = await upsertLocalUser(SYSTEM_IDENTITY, { username: "bench-teacher", password: "bench-teacher-password", roles: ["teacher"], groups: ["staff"] });
  const displayNames: string[] = [];
  const instantNames: string[] = [];
  const ids: string[] = [];
  for (let i = 1; i <= TEMPLATES; i++) {
    const [category, subcategories] = CATEGORIES[i % CATEGORIES.length]!;
    const subcategory = subcategories[Math.floor(i / CATEGORIES.length) % subcategories.length]!;
    const number = String(i).padStart(3, "0");
    const isPool = i % 10 === 3;
    const hasParameters = !isPool && i % 4 === 0;
    const displayName = `${category[0]!.toUpperCase()}${category.slice(1)} lab ${number}`;
    const template = await createTemplate(SYSTEM_IDENTITY, {
      name: `lab-${number}`,
      displayName,
      description: `Exercises for ${subcategory} in ${category}: a ready-made workspace with the tools of the course, lab ${number}.`,
      icon: TEMPLATE_ICONS[i % TEMPLATE_ICONS.length],
      category: `${category},${subcategory}`,
      method: isPool ? "pool" : "on_demand",
      poolSize: isPool ? 3 : 0,
      enabled: i % 50 !== 7,
      ttlSeconds: [3600, 4 * 3600, 8 * 3600, 86400][i % 4],
      spec: {
        chart: { type: "helm", repoUrl: "https://charts.bench.invalid", chart: `lab-${category.replace(/ /g, "-")}`, revision: "1.0.0" },
        valuesTemplate: isPool ? "host: {{ host }}\n" : hasParameters ? "host: {{ host }}\nuser: {{ owner }}\nsize: {{ params.size }}\n" : "host: {{ host }}\nuser: {{ owner }}\n",
        valueFiles: [],
        parameters: hasParameters
          ? { type: "object", properties: { size: { type: "string", title: "Size", enum: ["small", "large"], default: "small" } } }
          : { type: "object", properties: {} },
        ownerClaim: "",
      },
    });
    displayNames.push(displayName);
    ids.push(template.id);
    // Half the pools are warm: Available members, as the pool controller leaves them.
    if (isPool && i % 20 === 3) {
      const version = await prisma.templateVersion.findFirstOrThrow({ where: { templateId: template.id } });
      await prisma.instance.createMany({
        data: [0, 1, 2].map((m) => {
          const uuid = `${number}0000${m}`.slice(-8);
          return { uuid, templateId: template.id, templateVersionId: version.id, phase: "Available" as const, pooled: true, namespace: `pool-lab-${uuid}`, url: `https://lab-${uuid}.bench.invalid/` };
        }),
      });
      instantNames.push(displayName);
    }
  }
  const catalogs = [
    { slug: "class-1a-week-1", title: "Week 1 for class 1a", groups: ["class-1a"], items: 8, offset: 0 },
    { slug: "class-1a-project", title: "Project work for class 1a", groups: ["class-1a"], items: 12, offset: 40 },
    { slug: "class-2b-week-1", title: "Week 1 for class 2b", groups: ["class-2b"], items: 5, offset: 100 },
  ];
  for (const catalog of catalogs) {
    await prisma.catalog.create({
      data: {
        slug: catalog.slug,
        title: catalog.title,
        description: `Templates picked for ${catalog.title.toLowerCase()}.`,
        audienceGroups: catalog.groups,
        ownerId: teacher.userId,
        items: {
          create: [...new Set(Array.from({ length: catalog.items }, (_, k) => ids[(catalog.offset + k * 3) % ids.length]!))].map((templateId, position) => ({ templateId, position })),
        },
      },
    });
  }
  return { displayNames, instantNames, studentCatalogTitles: catalogs.slice(0, 2).map((c) => c.title), foreignCatalogTitle: catalogs[2]!.title, password };
}

/** GET without decoding, so compressed responses keep their size on the wire. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      })
      .on("error", reject);
  });
}

const decodeEntities = (s: string) => s.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
const attribute = (tag: string, name: string) => tag.match(new RegExp(`\\s${name}="([^"]*)"`, "i"))?.[1];

interface PageAssets {
  scripts: string[];
  /** `<script nomodule>`: polyfills that browsers with module support neither fetch nor run. */
  noModuleScripts: string[];
  stylesheets: string[];
  inlineScriptBytes: number;
}

/** Scripts (<script src>, <link rel=preload|modulepreload as=script>) and stylesheets the HTML references. */
function assetsOf(html: string): PageAssets {
  const scripts = new Set<string>();
  const noModuleScripts = new Set<string>();
  const stylesheets = new Set<string>();
  let inlineScriptBytes = 0;
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const src = attribute(match[1]!, "src");
    if (!src) inlineScriptBytes += Buffer.byteLength(match[2]!);
    else if (/\snomodule(?=[\s=>/]|$)/i.test(match[1]!)) noModuleScripts.add(decodeEntities(src));
    else scripts.add(decodeEntities(src));
  }
  for (const match of html.matchAll(/<link\b[^>]*>/gi)) {
    const tag = match[0];
    const rel = attribute(tag, "rel")?.toLowerCase();
    const href = attribute(tag, "href");
    if (!href) continue;
    if (rel === "modulepreload" || (rel === "preload" && attribute(tag, "as") === "script")) scripts.add(decodeEntities(href));
    if (rel === "stylesheet") stylesheets.add(decodeEntities(href));
  }
  const ours = (s: string) => new URL(s, "http://x").pathname.startsWith("/_next/static/");
  for (const src of noModuleScripts) scripts.delete(src);
  return { scripts: [...scripts].filter(ours), noModuleScripts: [...noModuleScripts].filter(ours), stylesheets: [...stylesheets].filter(ours), inlineScriptBytes };
}

interface Asset {
  path: string;
  bytes: number;
  gzipBytes: number;
  /** For comparison: what a server or CDN compressing with brotli would send. */
  brotliBytes: number;
}

async function measureAssets(baseUrl: string, paths: string[]): Promise<Asset[]> {
  const assets: Asset[] = [];
  for (const p of paths) {
    const response = await rawGet(new URL(p, baseUrl).toString(), {});
    if (response.status !== 200) throw new Error(`${p}: HTTP ${response.status}`);
    assets.push({
      path: new URL(p, baseUrl).pathname,
      bytes: response.body.length,
      gzipBytes: gzipSync(response.body, { level: 9 }).length,
      brotliBytes: brotliCompressSync(response.body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    });
  }
  return assets.sort((a, b) => b.gzipBytes - a.gzipBytes);
}

interface LoadRound {
  requestsPerSecond: number;
  latencyP50: number;
  latencyP975: number;
  latencyP99: number;
  responses: number;
  bytesPerResponse: number;
}

async function load(url: string, cookie: string | null, encoding: string, conns: number, seconds: number): Promise<LoadRound> {
  const headers: Record<string, string> = { accept: PAGE_ACCEPT, "accept-encoding": encoding, ...(cookie && { cookie }) };
  const result = await autocannon({ url, connections: conns, duration: seconds, headers });
  if (result.errors > 0 || result.non2xx > 0 || result["2xx"] === 0) {
    throw new Error(`load run invalid: ${result["2xx"]} 2xx, ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats)}), ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    requestsPerSecond: result["2xx"] / result.duration,
    latencyP50: result.latency.p50,
    latencyP975: result.latency.p97_5,
    latencyP99: result.latency.p99,
    responses: result["2xx"],
    bytesPerResponse: result.throughput.total / result["2xx"],
  };
}

runPageBench("catalog", async ({ prisma, startPortal }) => {
  const seedStart = performance.now();
  const seeded = await seed(prisma);
  log(`seeded ${TEMPLATES} templates, ${seeded.instantNames.length} warm pools, 3 teacher catalogs in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const portal = await startPortal();
  const session = await signIn(portal, "bench-student", seeded.password);
  const cookie = `${session.name}=${session.value}`;
  const pageUrl = `${portal.url}/`;

  // One sampled response per encoding: what a valid answer looks like.
  const sample = await rawGet(pageUrl, { cookie, accept: PAGE_ACCEPT, "accept-encoding": "identity" });
  const html = sample.body.toString("utf8");
  if (sample.status !== 200) throw new Error(`GET / answered ${sample.status} (${sample.headers.location ?? "no redirect"}), not the catalog`);
  const named = seeded.displayNames.filter((name) => html.includes(name)).length;
  if (named !== TEMPLATES && !process.env.BENCH_SKIP_CHECK) throw new Error(`the catalog page names ${named} of the ${TEMPLATES} templates: not the catalog the benchmark seeded`);
  const runLinks = new Set([...html.matchAll(/href="\/run\/([a-z0-9-]+)"/g)].map((m) => m[1])).size;
  const instantBadges = (html.match(/>Instant</g) ?? []).length;
  const catalogsShown = seeded.studentCatalogTitles.filter((title) => html.includes(title)).length;
  const foreignCatalogShown = html.includes(seeded.foreignCatalogTitle);
  if (foreignCatalogShown) log(`warning: the student sees "${seeded.foreignCatalogTitle}", a catalog for another group`);
  const sampleBytes: Record<string, number> = { identity: sample.body.length };
  for (const encoding of encodings.filter((e) => e !== "identity")) {
    const compressed = await rawGet(pageUrl, { cookie, accept: PAGE_ACCEPT, "accept-encoding": encoding });
    sampleBytes[encoding] = compressed.body.length;
    log(`GET / with accept-encoding ${encoding}: content-encoding ${compressed.headers["content-encoding"] ?? "none"}, ${compressed.body.length} bytes`);
  }

  log(`warming up for ${warmup} s`);
  await load(pageUrl, cookie, encodings[0]!, connections[0]!, warmup);

  // The yardstick, in the same run on the same server: the sign-in page, which renders little and reads
  // nothing. Its rounds alternate with the catalog's, so both see the same machine.
  const signInUrl = `${portal.url}/signin`;
  const signInSample = await rawGet(signInUrl, { accept: PAGE_ACCEPT, "accept-encoding": "identity" });
  if (signInSample.status !== 200 || !signInSample.body.toString("utf8").includes("Sign in")) throw new Error(`GET /signin answered ${signInSample.status}, not the sign-in page`);

  interface Row { encoding: string; connections: number; rounds: LoadRound[]; median: LoadRound; signIn: LoadRound[]; signInMedian: LoadRound }
  const median = (results: LoadRound[]) => [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(results.length / 2)]!;
  const rows: Row[] = [];
  for (const encoding of encodings) {
    for (const conns of connections) {
      const results: LoadRound[] = [];
      const signIn: LoadRound[] = [];
      for (let r = 1; r <= rounds; r++) {
        const result = await load(pageUrl, cookie, encoding, conns, duration);
        // Bytes include the response headers (about 1 kB), hence the tolerance.
        const ratio = result.bytesPerResponse / sampleBytes[encoding]!;
        if ((ratio < 0.8 || ratio > 1.25) && !process.env.BENCH_SKIP_CHECK) {
          throw new Error(`${encoding}: ${Math.round(result.bytesPerResponse)} bytes per response against ${sampleBytes[encoding]} sampled: the load run did not get the catalog`);
        }
        results.push(result);
        const yardstick = await load(signInUrl, null, encoding, conns, duration);
        signIn.push(yardstick);
        log(`${encoding}, ${conns} connections, round ${r}: catalog ${result.requestsPerSecond.toFixed(0)} req/s (p50 ${result.latencyP50} ms), sign-in ${yardstick.requestsPerSecond.toFixed(0)} req/s`);
      }
      rows.push({ encoding, connections: conns, rounds: results, median: median(results), signIn, signInMedian: median(signIn) });
    }
  }

  const assets = assetsOf(html);
  const scripts = await measureAssets(portal.url, assets.scripts);
  // The framework's floor: the scripts Next.js loads on every App Router page (its build manifest's root main files).
  const manifest = JSON.parse(await readFile(path.join(process.cwd(), ".next", "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const floor = await measureAssets(portal.url, manifest.rootMainFiles.map((file) => `/_next/${file}`));
  const floorGzip = floor.reduce((s, a) => s + a.gzipBytes, 0);
  const polyfills = await measureAssets(portal.url, assets.noModuleScripts);
  const styles = await measureAssets(portal.url, assets.stylesheets);
  const jsBytes = scripts.reduce((s, a) => s + a.bytes, 0);
  const jsGzip = scripts.reduce((s, a) => s + a.gzipBytes, 0);
  const jsBrotli = scripts.reduce((s, a) => s + a.brotliBytes, 0);
  const cssGzip = styles.reduce((s, a) => s + a.gzipBytes, 0);
  const polyfillGzip = polyfills.reduce((s, a) => s + a.gzipBytes, 0);
  const htmlGzip = gzipSync(sample.body, { level: 9 }).length;
  const bestRatio = Math.max(...rows.map((r) => r.median.requestsPerSecond / r.signInMedian.requestsPerSecond));

  console.log(`\nCatalog page GET / (${TEMPLATES} templates), production build, autocannon on loopback, ${duration} s per round, median of ${rounds} rounds\n`);
  console.log("| accept-encoding | connections | req/s | p50 | p97.5 | p99 | bytes/response | req/s of each round | sign-in req/s | catalog / sign-in |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    const m = row.median;
    const ratio = m.requestsPerSecond / row.signInMedian.requestsPerSecond;
    console.log(
      `| ${row.encoding} | ${row.connections} | ${m.requestsPerSecond.toFixed(0)} | ${m.latencyP50} ms | ${m.latencyP975} ms | ${m.latencyP99} ms | ${Math.round(m.bytesPerResponse)} | ${row.rounds.map((r) => r.requestsPerSecond.toFixed(0)).join(", ")} | ${row.signInMedian.requestsPerSecond.toFixed(0)} | ${(ratio * 100).toFixed(0)} % |`,
    );
  }
  console.log(`\nPage: ${named} of ${TEMPLATES} templates named, ${runLinks} distinct /run/ links, ${instantBadges} "Instant" badges (${seeded.instantNames.length} warm pools), ` +
    `${catalogsShown} of ${seeded.studentCatalogTitles.length} teacher catalogs shown, other group's catalog ${foreignCatalogShown ? "SHOWN" : "not shown"}`);
  console.log(`HTML: ${kB(sample.body.length)} (${kB(htmlGzip)} gzip -9), of which inline scripts (RSC payload) ${kB(assets.inlineScriptBytes)}`);
  console.log(`\nFirst-load JavaScript: ${scripts.length} scripts, ${kB(jsGzip)} gzip (zlib level 9), ${kB(jsBytes)} uncompressed, ${kB(jsBrotli)} brotli (quality 11); CSS ${kB(cssGzip)} gzip`);
  console.log(`Framework floor (the ${floor.length} scripts every App Router page loads): ${kB(floorGzip)} gzip; the catalog's own: ${kB(jsGzip - floorGzip)}`);
  console.log(`Not counted: ${polyfills.length} <script nomodule> polyfill file(s), ${kB(polyfillGzip)} gzip, which browsers with module support skip\n`);
  console.log("| script | gzip -9 | uncompressed | brotli 11 |");
  console.log("|---|---|---|---|");
  for (const s of scripts) console.log(`| ${s.path} | ${kB(s.gzipBytes)} | ${kB(s.bytes)} | ${kB(s.brotliBytes)} |`);
  console.log(`\nAims: at least half the sign-in page's req/s: ${bestRatio >= AIM_RATIO ? "met" : "NOT met"} (${(bestRatio * 100).toFixed(0)} %); first-load JS within ${kB(AIM_JS_OVER_FLOOR)} of the floor: ${jsGzip - floorGzip <= AIM_JS_OVER_FLOOR ? "met" : "NOT met"} (${kB(jsGzip - floorGzip)} over)`);
  console.log(
    JSON.stringify({
      benchmark: "catalog-load",
      templates: TEMPLATES,
      durationSeconds: duration,
      rounds,
      load: rows.map((r) => ({
        encoding: r.encoding,
        connections: r.connections,
        requestsPerSecond: Math.round(r.median.requestsPerSecond),
        latencyMs: { p50: r.median.latencyP50, p97_5: r.median.latencyP975, p99: r.median.latencyP99 },
        bytesPerResponse: Math.round(r.median.bytesPerResponse),
        roundsRequestsPerSecond: r.rounds.map((x) => Math.round(x.requestsPerSecond)),
        signInRequestsPerSecond: Math.round(r.signInMedian.requestsPerSecond),
        ofSignIn: Number((r.median.requestsPerSecond / r.signInMedian.requestsPerSecond).toFixed(3)),
      })),
      page: { templatesNamed: named, runLinks, instantBadges, teacherCatalogsShown: catalogsShown, foreignCatalogShown, htmlBytes: sample.body.length, htmlGzipBytes: htmlGzip, inlineScriptBytes: assets.inlineScriptBytes },
      firstLoadJs: { gzipLevel: 9, gzipBytes: jsGzip, floorGzipBytes: floorGzip, bytes: jsBytes, brotliBytes: jsBrotli, scripts: scripts.map((s) => ({ path: s.path, gzipBytes: s.gzipBytes, bytes: s.bytes, brotliBytes: s.brotliBytes })) },
      noModulePolyfillGzipBytes: polyfillGzip,
      cssGzipBytes: cssGzip,
      aims: { ofSignIn: AIM_RATIO, ofSignInMet: bestRatio >= AIM_RATIO, firstLoadJsOverFloorBytes: AIM_JS_OVER_FLOOR, firstLoadJsMet: jsGzip - floorGzip <= AIM_JS_OVER_FLOOR },
    }),
  );
});
