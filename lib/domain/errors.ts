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
  | "UNAVAILABLE";

const STATUS: Record<AppErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFLICT: 409,
  QUOTA_EXCEEDED: 403,
  POOL_EXHAUSTED: 503,
  UNAVAILABLE: 503,
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
