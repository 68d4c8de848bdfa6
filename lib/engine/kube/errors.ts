/**
 * Kubernetes failures turned into messages an admin can act on. The worker writes them on the instance and in
 * its log; `permanent` tells it whether retrying the same request can ever succeed.
 */
export type EngineErrorKind = "unreachable" | "unauthorized" | "forbidden" | "missing-crds" | "invalid" | "conflict" | "server";

export class EngineError extends Error {
  override name = "EngineError";
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** The cluster refused the object itself: retrying the same object cannot help. */
  get permanent(): boolean {
    return this.kind === "invalid";
  }
}

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  details?: { name?: string; kind?: string; causes?: { field?: string; message?: string }[] };
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"]);

function statusBody(error: { body?: unknown }): StatusBody {
  const body = error.body;
  if (typeof body === "string") {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as StatusBody;
}

function networkCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
  }
  return undefined;
}

/** Classifies any error from a Kubernetes request; `action` says what was attempted ("apply HelmRelease x/y"). */
export function toEngineError(error: unknown, action: string, server: string): EngineError {
  if (error instanceof EngineError) return error;
  const network = networkCode(error);
  if (network || (error instanceof Error && /fetch failed|socket hang up/i.test(error.message))) {
    return new EngineError("unreachable", `Cannot reach the Kubernetes API server at ${server} (${network ?? "connection failed"}) while trying to ${action}`);
  }
  const e = error as { code?: unknown; statusCode?: unknown; body?: unknown; message?: string };
  const status = typeof e.code === "number" ? e.code : typeof e.statusCode === "number" ? e.statusCode : undefined;
  const body = statusBody(e);
  const detail = ((body.message ?? e.message ?? "").split("\n")[0] ?? "").slice(0, 600);
  switch (status) {
    case 401:
      return new EngineError("unauthorized", `The Kubernetes API server rejected Envdeck's credentials (expired or invalid) while trying to ${action}`, 401);
    case 403:
      return new EngineError("forbidden", `Envdeck's Kubernetes account may not ${action} (see deploy/rbac.yaml): ${detail}`, 403);
    case 404:
      // A 404 without an object name means the API itself is missing: the Flux CRDs are not installed.
      if (!body.details?.name) {
        return new EngineError("missing-crds", `The cluster does not serve the API needed to ${action}: are the Flux CRDs installed (flux install)?`, 404);
      }
      return new EngineError("server", `Not found while trying to ${action}: ${detail}`, 404);
    case 409:
      return new EngineError("conflict", `Conflict while trying to ${action}: ${detail}`, 409);
    case 400:
    case 422:
      return new EngineError("invalid", `The cluster refused to ${action}: ${detail}`, status);
    default:
      return new EngineError("server", `The Kubernetes API server failed to ${action}${status ? ` (HTTP ${status})` : ""}: ${detail || String(error)}`, status);
  }
}

/** True for a 404 about a named object (it does not exist), as opposed to a missing API. */
export function isObjectNotFound(error: unknown): boolean {
  const e = error as { code?: unknown; statusCode?: unknown; body?: unknown };
  const status = typeof e.code === "number" ? e.code : e.statusCode;
  return status === 404 && Boolean(statusBody(e).details?.name);
}
