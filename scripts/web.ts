/**
 * The web server of `npm start`: Next.js (the production build), behind a front that answers scripted
 * launches itself (lib/api/front.ts). Listens on HOST and PORT. `npm run dev` runs `next dev` instead.
 */
import http from "node:http";
import { register } from "node:module";
import path from "node:path";

register("./server-only-hook.mjs", import.meta.url);
// The production build, whatever the environment says (`next start` does the same).
Object.assign(process.env, { NODE_ENV: "production" });

const root = path.resolve(import.meta.dirname, "..");
const log = (line: string) => console.log(`[web] ${line}`);

async function main() {
  const started = performance.now();
  // Loaded after the hook is registered and NODE_ENV is set: both change how these modules load.
  const { getConfig } = await import("@/lib/config");
  const { default: next } = await import("next");
  const config = getConfig();
  const app = next({ dev: false, dir: root, hostname: config.host, port: config.port });
  await app.prepare();
  // The route imports Next.js's request-scope modules, which need the globals prepare() sets up.
  const [{ GET: launch }, { createFront }] = await Promise.all([import("@/app/api/run/[name]/route"), import("@/lib/api/front")]);
  const origin = new URL(`http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`);
  const server = http.createServer(createFront({ launch, next: app.getRequestHandler(), origin }));
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(config.port, config.host, resolve));
  log(`Ready in ${Math.round(performance.now() - started)} ms: listening on ${origin.host}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Open connections get a moment to finish; then the process ends whatever is left.
    setTimeout(() => process.exit(0), 5_000).unref();
    server.close(() => void app.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
    // One line saying what to change, rather than a stack trace.
    const { address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
    const why = code === "EADDRINUSE" ? "something else listens there" : code === "EACCES" ? "this user may not use that port" : "no network interface has that address";
    console.error(`[web] cannot listen on ${address ?? "?"} port ${port ?? "?"}: ${why}. Set PORT (and HOST) to another.`);
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  }
  process.exit(1);
});
