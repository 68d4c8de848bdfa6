import "server-only";
import { randomInt } from "node:crypto";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import type { ClassRecord } from "@/lib/db/classes";
import { generateJoinCode, joinPath, joinStateOf, type JoinState } from "@/lib/domain/classes";
import { AppError } from "@/lib/domain/errors";
import { fieldErrorsOf } from "@/lib/domain/field-errors";
import { findNul, NUL_MESSAGE } from "@/lib/domain/text";

/** Input checked by `schema`, or INVALID_INPUT with every problem at its field (a NUL character named first). */
export function parseClassInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const nul = findNul(input);
  if (nul) throw new AppError("INVALID_INPUT", NUL_MESSAGE, { [nul.split(/[.[]/)[0]!]: ["must not contain a NUL character"] });
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AppError("INVALID_INPUT", "Please correct the highlighted fields.", fieldErrorsOf(parsed.error, { unknown: "is not a field of a class", root: "body" }));
  return parsed.data;
}

/** A new join code from a cryptographic source: 31⁸ ≈ 8.5 × 10¹¹ codes, so guessing one is hopeless at 10 tries in 15 minutes. */
export function newJoinCode(): string {
  return generateJoinCode((n) => randomInt(n));
}

/** The full link a join code is redeemed at, on the portal's public URL. */
export function joinUrl(code: string): string {
  return new URL(joinPath(code), getConfig().publicUrl).toString();
}

/** A class as its teachers read it. */
export interface ClassView {
  slug: string;
  title: string;
  term: string;
  groups: string[];
  joinCode: string | null;
  joinUrl: string | null;
  joinCodeExpiresAt: Date | null;
  joinState: JoinState;
  archivedAt: Date | null;
  createdAt: Date;
}

export function toClassView(row: ClassRecord, now = new Date()): ClassView {
  return {
    slug: row.slug,
    title: row.title,
    term: row.term,
    groups: row.groups ?? [],
    joinCode: row.joinCode,
    joinUrl: row.joinCode ? joinUrl(row.joinCode) : null,
    joinCodeExpiresAt: row.joinCodeExpiresAt,
    joinState: joinStateOf(row, now),
    archivedAt: row.archivedAt,
    createdAt: row.createdAt,
  };
}

/** What the audit trail keeps of a class: its fields, never its join code (a credential of sorts). */
export function auditedClass(row: ClassRecord) {
  return {
    slug: row.slug,
    title: row.title,
    term: row.term,
    groups: row.groups ?? [],
    joinCode: row.joinCode ? "on" : "off",
    joinCodeExpiresAt: row.joinCodeExpiresAt?.toISOString() ?? null,
    archived: row.archivedAt !== null,
  };
}

/** A username from a path or a form: text of a sane length, else nobody's. */
export const usernameInput = z.string({ error: "Name an account." }).trim().toLowerCase().min(1, "Name an account.").max(100, "There is no such account.");

/** The short name an input names, looked up before the rest of the input is read (lib/services/classes/internal/scope.ts). */
export function slugOf(input: unknown): unknown {
  return typeof input === "object" && input !== null ? (input as { slug?: unknown }).slug : undefined;
}
