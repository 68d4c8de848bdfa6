import { expect } from "vitest";
import { openApiDocument } from "@/lib/api/openapi";
import type { Identity } from "@/lib/domain/identity";
import { openApiChecker } from "./openapi";

/**
 * Calls the REST API's route handlers as Next does, against the real database, and checks every answer
 * against the OpenAPI document the portal serves (its status listed, its body valid by Ajv) before handing it
 * back. A caller is named by `as` (their real personal token, or the anonymous name for no credentials) or
 * signed in with `cookie`: the test file replaces next-auth's session lookup, which needs Next's request
 * scope, with one that answers `session.identity`, as every API test does:
 *
 *   const session = vi.hoisted(() => ({ identity: null as Identity | null }));
 *   vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));
 */

export interface Sent {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown> & { error?: string; code?: string; fields?: Record<string, string[]> };
}

/** The path parameters a call may name directly (`{ slug: "cs101" }`) instead of in `params`. */
type PathParameter = "slug" | "name" | "id" | "username" | "key" | "version";

export type CallOptions<Who extends string> = Partial<Record<PathParameter, string>> & {
  /** Who calls with a personal token; `cookie` calls with the session instead. */
  as?: Who;
  cookie?: Identity;
  /** Path parameters; an array fills a catch-all segment. */
  params?: Record<string, string | readonly string[]>;
  query?: string;
  /** A JSON value, or text sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
};

type Handler = (request: Request, context: { params: Promise<unknown> }) => Promise<Response>;

/** Where the calls are addressed, and the Origin of a same-site request. */
export const API_ORIGIN = "http://envdeck.test";

export function routeCaller<Who extends string>(setup: {
  /** Each OpenAPI path the tests call, with its route module. */
  routes: Record<string, Record<string, unknown>>;
  tokens: Partial<Record<Who, string>>;
  /** The name that calls with no credentials. */
  anonymous: Who;
  /** Who calls when a call names nobody and sends no cookie. */
  caller: Who;
  session: { identity: Identity | null };
}) {
  const document = JSON.parse(JSON.stringify(openApiDocument)) as Record<string, unknown>;
  const checker = openApiChecker(document);

  async function api(method: string, apiPath: string, options: CallOptions<Who> = {}): Promise<Sent> {
    const handler = setup.routes[apiPath]?.[method] as Handler | undefined;
    if (!handler) throw new Error(`No handler for ${method} ${apiPath}`);
    const params: Record<string, string | readonly string[]> = { ...options.params };
    for (const [, key] of apiPath.matchAll(/\{(\w+)\}/g)) {
      const direct = options[key as PathParameter];
      if (direct !== undefined && params[key!] === undefined) params[key!] = direct;
    }
    const url = apiPath.replace(/\{(\w+)\}/g, (_, key: string) => [params[key] ?? ""].flat().map(encodeURIComponent).join("/"));
    const headers: Record<string, string> = { ...options.headers };
    const who = options.as ?? (options.cookie ? undefined : setup.caller);
    if (who && who !== setup.anonymous) headers.authorization = `Bearer ${setup.tokens[who]}`;
    if (options.cookie) {
      setup.session.identity = options.cookie;
      headers.cookie = "next-auth.session-token=opaque";
    }
    const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    const request = new Request(`${API_ORIGIN}${url}${options.query ? `?${options.query}` : ""}`, { method, headers, body });
    const response = await handler(request, { params: Promise.resolve(params) });
    const text = await response.text();
    const sent: Sent = { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
    expect(checker.problems(apiPath, method, sent), `${method} ${url} as ${who ?? "cookie"}: ${text.slice(0, 300)}`).toEqual([]);
    return sent;
  }

  return { api, checker };
}
