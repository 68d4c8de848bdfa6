import "server-only";
import { z } from "zod";
import { originOfHeaders } from "@/lib/auth/request-origin";
import { getIdentity } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "@/lib/db/connect";
import { AppError, toAppError } from "@/lib/domain/errors";
import { fieldErrorsOf } from "@/lib/domain/field-errors";
import { findNul, NUL_MESSAGE } from "@/lib/domain/text";
import type { Identity } from "@/lib/domain/identity";
import { assertCan, type Permission } from "@/lib/domain/permissions";
import { authenticateApiToken } from "@/lib/services/tokens/internal/authenticate-token";

/**
 * The HTTP edge of the REST API (docs/architecture.md, "Interfaces"): who is calling, the CSRF guard, JSON bodies and the
 * one mapping from errors to responses. Route files stay a few lines: `apiRoute(async (call) => …)`.
 */

export const MAX_BODY_BYTES = 64 * 1024;
/** Bodies that carry a template (its spec, or a template file to import) may be this large. */
export const MAX_TEMPLATE_BODY_BYTES = 2 * 1024 * 1024;

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

/** next-auth's session cookie names (plain and `__Secure-`), which it may split into `.0`, `.1`, … chunks. */
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;
const BEARER = /^Bearer +([^\s]+) *$/i;

/** A refusal about the HTTP request itself, for statuses the domain has no AppError code for. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The error body of every API response that is not a success. */
export interface ApiErrorBody {
  error: string;
  code: string;
  fields?: Record<string, string[]>;
}

/** How the caller proved who they are: a personal API token, or the browser's session cookie. */
export type AuthMethod = "token" | "session";

export interface ResolvedIdentity {
  identity: Identity | null;
  via: AuthMethod;
}

/** Below this size a response is sent as it is: compressing it costs the server more than it saves anyone. */
const COMPRESS_FROM_BYTES = 8 * 1024;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  // `no-transform` tells the server's compression to leave small bodies alone (a launch answers with ~1 kB).
  const cacheControl = text.length < COMPRESS_FROM_BYTES ? { "Cache-Control": "no-store, no-transform" } : {};
  return new Response(text, { status, headers: { ...JSON_HEADERS, ...cacheControl, ...headers } });
}

export function noContent(): Response {
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
}

/** The secret of an `Authorization: Bearer <secret>` header; null when there is none or it is malformed. */
export function bearerSecret(request: Request): string | null {
  const authorization = request.headers.get("authorization");
  return authorization === null ? null : (BEARER.exec(authorization)?.[1] ?? null);
}

function hasSessionCookie(request: Request): boolean {
  const header = request.headers.get("cookie");
  if (!header) return false;
  return header.split(";").some((part) => SESSION_COOKIE.test(part.split("=")[0]!.trim()));
}

/**
 * Who is calling. An Authorization header must carry a usable personal token; anything wrong with it is 401,
 * never a fall-back to the cookie, so a script cannot silently act as whoever is signed in in the browser.
 * Without one, the next-auth session decides (no session cookie means signed out, without asking next-auth).
 * Either way the identity carries where the request came from, for the audit trail.
 */
export async function resolveApiIdentity(request: Request): Promise<ResolvedIdentity> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const secret = bearerSecret(request);
    if (!secret) throw new AppError("UNAUTHENTICATED", "The Authorization header must be \"Bearer <personal API token>\".");
    const identity = await authenticateApiToken(secret);
    if (!identity) throw new AppError("UNAUTHENTICATED", "This API token is not valid: it is mistyped, expired or revoked.");
    return { identity: { ...identity, origin: originOfHeaders(request.headers) }, via: "token" };
  }
  const identity = hasSessionCookie(request) ? await getIdentity() : null;
  return { identity: identity && { ...identity, origin: originOfHeaders(request.headers) }, via: "session" };
}

function allowedOrigins(request: Request): Set<string> {
  const origins = new Set([new URL(request.url).origin]);
  // Behind a TLS-terminating proxy the request URL may say http: the configured public URL is ours too.
  origins.add(new URL(getConfig().publicUrl).origin);
  return origins;
}

/**
 * Refuses a cookie-authenticated request that changes state when the browser says another site sent it.
 * Bearer-token requests are exempt: a browser never attaches a token on its own.
 */
export function assertSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  const crossSite = site === "cross-site" || site === "same-site";
  if (crossSite || (origin !== null && !allowedOrigins(request).has(origin))) {
    throw new AppError("FORBIDDEN", "This request came from another site. Use Envdeck's own pages, or send a personal API token.");
  }
}

/** Reads a JSON object body of at most `maxBytes` (MAX_BODY_BYTES); an empty body is `{}` when `allowEmpty`. */
export async function readJsonObject(request: Request, options: { allowEmpty?: boolean; maxBytes?: number } = {}): Promise<Record<string, unknown>> {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const tooLarge = new HttpError(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${maxBytes / 1024} kB.`);
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw tooLarge;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      // Content-Length can lie or be absent (chunked): count what actually arrives.
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge;
      }
      chunks.push(value);
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("INVALID_INPUT", "The request body is not valid UTF-8 text.");
  }
  if (text.trim() === "") {
    if (options.allowEmpty) return {};
    throw new AppError("INVALID_INPUT", "The request body must be a JSON object.");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", "The request body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AppError("INVALID_INPUT", "The request body must be a JSON object.");
  assertNoNul(body);
  return body as Record<string, unknown>;
}

/** Refuses input holding a NUL character, naming where: PostgreSQL cannot store one, in text or in JSON. */
function assertNoNul(value: unknown): void {
  const path = findNul(value);
  if (path) throw new AppError("INVALID_INPUT", NUL_MESSAGE, { [path.slice(0, 80)]: ["must not contain a NUL character"] });
}

/** Query-string values by name; a name given twice is refused rather than guessed at. */
export function queryValues(request: Request): Record<string, string> {
  const entries = [...new URL(request.url).searchParams];
  const seen = new Set<string>();
  for (const [name] of entries) {
    if (seen.has(name)) {
      const shown = name.slice(0, 80);
      throw new AppError("INVALID_INPUT", `The parameter "${shown}" is given more than once.`, { [shown]: ["is given more than once"] });
    }
    seen.add(name);
  }
  // fromEntries defines own properties, so "__proto__" stays a (refused) parameter name.
  const values = Object.fromEntries(entries);
  assertNoNul(values);
  return values;
}

/**
 * Parses a request body or query with its resource's schema (lib/api/schemas): the parsed value, or
 * INVALID_INPUT with every problem at its field (dotted paths; each unknown field named).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError("INVALID_INPUT", "Please correct the listed fields.", fieldErrorsOf(parsed.error, { unknown: "is not a field of this request", root: "body" }));
}

/**
 * A JSON response shaped by its resource's schema: what the schema does not declare is left out, and a value
 * that does not fit it is a bug on our side (500, logged), never sent.
 */
export function respond<S extends z.ZodType>(schema: S, body: z.input<S>, status = 200, headers: Record<string, string> = {}): Response {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`The response does not fit its schema: ${z.prettifyError(parsed.error)}`);
  return json(parsed.data, status, headers);
}

/** The one mapping from a thrown error to a response. Unexpected errors are logged and never shown. */
export function errorResponse(thrown: unknown, request?: Request): Response {
  const error = toAppError(thrown);
  if (error instanceof AppError) {
    const body: ApiErrorBody = { error: error.message, code: error.code, ...(error.fields && { fields: error.fields }) };
    const headers: Record<string, string> = error.code === "UNAUTHENTICATED" ? { "WWW-Authenticate": 'Bearer realm="envdeck"' } : {};
    return json(body, error.httpStatus, headers);
  }
  if (error instanceof HttpError) return json({ error: error.message, code: error.code } satisfies ApiErrorBody, error.status);
  if (error instanceof z.ZodError) {
    const fields = fieldErrorsOf(error, { unknown: "is not a field of this request", root: "body" });
    return json({ error: "Please correct the listed fields.", code: "INVALID_INPUT", fields } satisfies ApiErrorBody, 400);
  }
  if (error instanceof SyntaxError) return json({ error: "The request body is not valid JSON.", code: "INVALID_INPUT" } satisfies ApiErrorBody, 400);
  // An outage, not a bug: the caller can retry, and /api/health already reports it to whoever watches.
  if (isDatabaseUnavailable(error)) return json({ error: DATABASE_UNAVAILABLE_MESSAGE, code: "UNAVAILABLE" } satisfies ApiErrorBody, 503);
  console.error(`API ${request?.method ?? ""} ${request ? new URL(request.url).pathname : ""} failed:`, error);
  return json({ error: "Something went wrong on our side. Please try again later.", code: "INTERNAL" } satisfies ApiErrorBody, 500);
}

/** What a route handler is given: the request, its path parameters and the (signed-in) caller. */
export interface ApiCall<P> {
  request: Request;
  params: P;
  identity: Identity;
  via: AuthMethod;
}

export interface RouteContext<P> {
  params: Promise<P>;
}

/**
 * Wraps a route handler: resolves the caller (401 when nobody is signed in), applies the CSRF guard to
 * requests that change state (every method but GET/HEAD, plus GETs marked `changesState`), refuses a caller
 * without `permission` (403) before the request is read, and maps errors. The use cases check permissions
 * again: this only keeps a refused caller from learning anything from how their input is judged.
 */
export function apiRoute<P extends Record<string, string | string[]> = Record<string, never>>(
  handler: (call: ApiCall<P>) => Promise<Response>,
  options: { changesState?: boolean; permission?: Permission } = {},
): (request: Request, context?: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    try {
      const changesState = options.changesState ?? !["GET", "HEAD"].includes(request.method);
      // Checked before any lookup, so a forged request costs no database work.
      if (changesState && !request.headers.has("authorization")) assertSameOrigin(request);
      const { identity, via } = await resolveApiIdentity(request);
      if (!identity) throw new AppError("UNAUTHENTICATED", "Please sign in first, or send a personal API token as \"Authorization: Bearer <token>\".");
      if (options.permission) assertCan(identity, options.permission);
      const params = ((await context?.params) ?? {}) as P;
      return await handler({ request, params, identity, via });
    } catch (error) {
      return errorResponse(error, request);
    }
  };
}
