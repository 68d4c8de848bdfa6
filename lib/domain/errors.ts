import { TemplateError, formatIssue } from "@/lib/templates/errors";
import { OwnerKeyError } from "./owner-key";

/**
 * Errors with a meaning for the user. Mapped once to HTTP status codes (httpStatus) and shown as-is in the UI,
 * so messages must be safe to show: they never carry secrets or internal details.
 */
export type AppErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "INVALID_INPUT"
  | "CONFLICT"
  | "QUOTA_EXCEEDED"
  | "POOL_EXHAUSTED"
  | "UNAVAILABLE"
  /** Too many attempts (wrong join codes): the message says how long to wait. */
  | "RATE_LIMITED";

const STATUS: Record<AppErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFLICT: 409,
  QUOTA_EXCEEDED: 403,
  POOL_EXHAUSTED: 503,
  UNAVAILABLE: 503,
  RATE_LIMITED: 429,
};

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return STATUS[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * The one mapping from the errors of pure code to what they mean for the caller: a template problem is
 * INVALID_INPUT with a field per issue (a missing parameter says so by name), an unusable owner claim is
 * FORBIDDEN. Anything else is returned as it is, for the caller to rethrow.
 */
export function toAppError(error: unknown): unknown {
  if (error instanceof TemplateError) {
    const missing = error.kind === "parameters" ? error.issues.find((issue) => issue.message === "is required") : undefined;
    if (missing) {
      const name = missing.path.replace(/^params\./, "");
      return new AppError("INVALID_INPUT", `Missing required parameter "${name}".`, { [missing.path]: ["is required"] });
    }
    const fields: Record<string, string[]> = {};
    for (const issue of error.issues) (fields[issue.path] ??= []).push(formatIssue({ ...issue, path: "" }));
    return new AppError("INVALID_INPUT", error.message, fields);
  }
  if (error instanceof OwnerKeyError) return new AppError("FORBIDDEN", error.message);
  return error;
}
