import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/domain/errors";
import { findNul } from "@/lib/domain/text";

/** Input checked by `schema`, or INVALID_INPUT with the problems by field (a NUL character named first). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const nul = findNul(input);
  if (nul) throw new AppError("INVALID_INPUT", `${nul} must not contain a NUL character.`, { [nul.split(/[.[]/)[0]!]: ["must not contain a NUL character"] });
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AppError("INVALID_INPUT", "Please correct the highlighted fields.", z.flattenError(parsed.error as z.ZodError).fieldErrors as Record<string, string[]>);
  return parsed.data;
}

/** A username from a page or a form: text of a sane length, else nobody's. */
export const usernameParam = z.string({ error: "Name an account." }).min(1, "Name an account.").max(100, "There is no such account.");
