import "server-only";
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { errorResponse, type RouteContext } from "./http";
import { SECURITY_HEADERS } from "./security-headers";

/**
 * The web server's front (docs/architecture.md, "Processes"): one kind of request is answered before Next.js
 * sees it, everything else is handed to Next.js unchanged.
 *
 * Scripts at the start of a class launch with `GET /api/run/{name}` and a personal token, hundreds a second.
 * For those, Next.js's routing, its request objects and the async context it keeps around every promise cost
 * as much CPU as the token check, the template and the claim together (BENCHMARKS.md, "HTTP claim path").
 * So the front calls that route's own handler (`app/api/run/[name]/route.ts`) itself: the same code, the same
 * checks, the same answers, without the framework around it. Only requests with an Authorization header are
 * taken: they never touch the session cookie, so the handler needs nothing of Next.js's request scope.
 */

export type RouteHandler = (request: Request, context: RouteContext<{ name: string }>) => Promise<Response>;

/** `/api/run/{name}`, and nothing under it (`/extend`, `/status`) or beside it (a trailing slash). */
const SCRIPTED_LAUNCH = /^\/api\/run\/([^/?#]+)(?:\?|$)/;

/**
 * The template a request launches when the front answers it: a GET of `/api/run/{name}` with an
 * Authorization header. Null for anything else, and for a name that is not valid percent-encoding (Next.js
 * answers those, as before).
 */
export function scriptedLaunchTemplate(method: string | undefined, url: string | undefined, headers: IncomingHttpHeaders): string | null {
  if (method !== "GET" || headers.authorization === undefined || !url) return null;
  const match = SCRIPTED_LAUNCH.exec(url);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/**
 * The web `Request` a route handler is given, as Next.js would build it: the request's own headers, plus the
 * `X-Forwarded-*` ones Next.js adds when they are absent (the audit trail reads the client's address from
 * X-Forwarded-For; lib/domain/request-origin.ts). `origin` is this server's own, never the Host header's.
 */
export function webRequestOf(request: IncomingMessage, origin: URL): Request {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const setIfAbsent = (name: string, value: string | undefined) => {
    if (value !== undefined && !headers.has(name)) headers.set(name, value);
  };
  setIfAbsent("x-forwarded-host", request.headers.host ?? origin.host);
  setIfAbsent("x-forwarded-port", origin.port || "80");
  setIfAbsent("x-forwarded-proto", "http");
  setIfAbsent("x-forwarded-for", request.socket.remoteAddress);
  return new Request(new URL(request.url!, origin), { method: request.method, headers });
}

/** Writes a web `Response` to the connection, with the headers every response of the portal carries. */
export async function sendWebResponse(response: Response, to: ServerResponse): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  for (const { key, value } of SECURITY_HEADERS) headers[key.toLowerCase()] = value;
  response.headers.forEach((value, name) => (headers[name] = value));
  headers["content-length"] = String(body.byteLength);
  to.writeHead(response.status, headers);
  to.end(body);
}

/** The web request, or null for one whose headers the web `Headers` class refuses (Next.js answers those). */
function webRequestOrNull(request: IncomingMessage, origin: URL): Request | null {
  try {
    return webRequestOf(request, origin);
  } catch {
    return null;
  }
}

/** Answers a scripted launch with the route's handler; an error it lets through is mapped as it would map it. */
async function answerLaunch(launch: RouteHandler, request: Request, name: string, to: ServerResponse): Promise<void> {
  let answer: Response;
  try {
    answer = await launch(request, { params: Promise.resolve({ name }) });
  } catch (error) {
    answer = errorResponse(error, request);
  }
  await sendWebResponse(answer, to);
}

/**
 * The request listener of the web server: scripted launches go to `launch` (the route's GET), the rest to
 * `next` (Next.js's request handler).
 */
export function createFront(options: { launch: RouteHandler; next: RequestListener; origin: URL }): RequestListener {
  const { launch, next, origin } = options;
  return (request, response) => {
    const name = scriptedLaunchTemplate(request.method, request.url, request.headers);
    const webRequest = name === null ? null : webRequestOrNull(request, origin);
    if (name === null || webRequest === null) return next(request, response);
    answerLaunch(launch, webRequest, name, response).catch(() => response.destroy());
  };
}
