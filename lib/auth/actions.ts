import "server-only";
import { z } from "zod";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "@/lib/db/connect";
import { isAppError, toAppError } from "@/lib/domain/errors";
import { findNul, NUL_MESSAGE } from "@/lib/domain/text";
import type { Identity } from "@/lib/domain/identity";
import { getIdentity } from "./session";

/** What every server action returns to its form: small, serialisable, safe to show. */
export interface ActionState<T = unknown> {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  result?: T;
}

/**
 * Wraps a server action: resolves who is calling (a server action is a public POST endpoint, so never
 * trust the page that rendered the form), validates the form with `schema`, runs `fn`, and turns AppErrors
 * and an unreachable database into form state. Services still check permissions themselves.
 */
export function withIdentity<S extends z.ZodType, T>(schema: S, fn: (identity: Identity, input: z.infer<S>) => Promise<T>) {
  return withIdentityOrNot(schema, (identity, input) => fn(identity!, input), { requireIdentity: true });
}

function withIdentityOrNot<S extends z.ZodType, T>(schema: S, fn: (identity: Identity | null, input: z.infer<S>) => Promise<T>, options: { requireIdentity: boolean }) {
  return async (_previous: ActionState<T>, formData: FormData): Promise<ActionState<T>> => {
    try {
      // Inside the try: resolving the caller reads the database too.
      const identity = options.requireIdentity ? await getIdentity() : null;
      if (options.requireIdentity && !identity) return { ok: false, message: "Your session has ended. Please sign in again." };
      const fields = Object.fromEntries(formData);
      const nul = findNul(fields);
      if (nul) return { ok: false, message: NUL_MESSAGE, fieldErrors: { [nul]: ["must not contain a NUL character"] } };
      const parsed = schema.safeParse(fields);
      if (!parsed.success) {
        return { ok: false, message: "Please correct the highlighted fields.", fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> };
      }
      return { ok: true, result: await fn(identity, parsed.data) };
    } catch (thrown) {
      const error = toAppError(thrown);
      if (isAppError(error)) return { ok: false, message: error.message, fieldErrors: error.fields };
      if (isDatabaseUnavailable(error)) return { ok: false, message: DATABASE_UNAVAILABLE_MESSAGE };
      throw error;
    }
  };
}

/**
 * Wraps a server action that anyone may call, signed in or not (setting a password with a link): the same
 * validation and error mapping as `withIdentity`, without a caller. Its use case must check whatever stands
 * for the caller (the link's secret).
 */
export function publicAction<S extends z.ZodType, T>(schema: S, fn: (input: z.infer<S>) => Promise<T>) {
  return withIdentityOrNot(schema, (_identity, input) => fn(input), { requireIdentity: false });
}
