import { z } from "zod";
import { groupsProblem, normaliseUsername } from "./accounts";
import { USERNAME_MAX } from "./credentials";

/**
 * Classes as teachers run them (docs/architecture.md, "Classes and joining"): the rules of a class's fields,
 * of join codes, of a pasted list of members and of the throttle on guessed codes. Pure: the forms in the
 * browser and the use cases on the server read the same rules.
 */

export const MAX_CLASS_TITLE = 100;
export const MAX_CLASS_SLUG = 40;
export const MAX_CLASS_TERM = 50;
export const CLASS_SLUG = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;
/** Short names that are pages of their own under /teach/classes. */
export const RESERVED_CLASS_SLUGS = ["new"] as const;

/** Control characters, line separators and bidirectional controls: none belongs in a one-line name. */
const NOT_ON_A_LINE = /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** What is wrong with a class's short name, or null. */
export function classSlugProblem(slug: string): string | null {
  if (slug === "") return "Enter a short name.";
  if (slug.length > MAX_CLASS_SLUG) return `At most ${MAX_CLASS_SLUG} characters.`;
  if (!CLASS_SLUG.test(slug)) return "Use lowercase letters, digits and dashes, starting and ending with a letter or digit.";
  if ((RESERVED_CLASS_SLUGS as readonly string[]).includes(slug)) return `"${slug}" is reserved: choose another short name.`;
  return null;
}

const text = (what: string) => z.string({ error: (issue) => (issue.input === undefined ? "Required." : what) });
const checked = (what: string, problem: (value: string) => string | null) =>
  text(what).superRefine((value, ctx) => {
    const found = problem(value);
    if (found) ctx.addIssue({ code: "custom", message: found });
  });

function titleProblem(title: string): string | null {
  if (title.trim() === "") return "Enter a title.";
  if (title.length > MAX_CLASS_TITLE) return `At most ${MAX_CLASS_TITLE} characters.`;
  if (NOT_ON_A_LINE.test(title)) return "Use printable characters only: no line breaks, tabs or control characters.";
  return null;
}

function termProblem(term: string): string | null {
  if (term.length > MAX_CLASS_TERM) return `At most ${MAX_CLASS_TERM} characters.`;
  if (NOT_ON_A_LINE.test(term)) return "Use printable characters only: no line breaks, tabs or control characters.";
  return null;
}

export const classTitleSchema = checked("Enter a title.", titleProblem).transform((title) => title.trim());
export const classTermSchema = checked("Enter a term, or leave it empty.", termProblem).transform((term) => term.trim());
export const classSlugSchema = checked("Enter a short name.", classSlugProblem);
/** Identity-provider groups bound to a class: their members are its members. */
export const classGroupsSchema = z
  .array(text("Each group is a name.").max(100, "At most 100 characters."), { error: "A list of group names." })
  .superRefine((groups, ctx) => {
    const found = groupsProblem(groups);
    if (found) ctx.addIssue({ code: "custom", message: found });
  })
  .transform((groups) => [...new Set(groups)]);

/** A new class: its title, short name and (optional) term. */
export const newClassSchema = z.strictObject({ title: classTitleSchema, slug: classSlugSchema, term: classTermSchema.optional().default("") });
export type NewClass = z.infer<typeof newClassSchema>;

/** A change of a class's fields; what is left out stays as it is. */
export const classChangeSchema = z.strictObject({ title: classTitleSchema.optional(), term: classTermSchema.optional(), groups: classGroupsSchema.optional() });
export type ClassChange = z.infer<typeof classChangeSchema>;

// ---- Join codes ----

/** Letters and digits nobody misreads from a projector: no 0/O, 1/I/L. */
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const JOIN_CODE_LENGTH = 8;
const JOIN_CODE = new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`);

/**
 * A new join code, each character drawn by `randomIndex(n)` (an integer in [0, n)): the server passes a
 * cryptographic source (node:crypto `randomInt`), tests a fixed one.
 */
export function generateJoinCode(randomIndex: (n: number) => number): string {
  let code = "";
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomIndex(JOIN_CODE_ALPHABET.length)]!;
  return code;
}

/**
 * A join code as typed or followed from a link, in its stored form (uppercase, spaces and dashes dropped), or
 * null when it cannot be a code at all. Any case is fine: codes are read aloud and typed on phones.
 */
export function normaliseJoinCode(input: unknown): string | null {
  if (typeof input !== "string" || input.length > 40) return null;
  const code = input.replace(/[\s-]/g, "").toUpperCase();
  return JOIN_CODE.test(code) ? code : null;
}

/** The code split in two halves for reading aloud and for the projector: "ABCD EFGH". */
export function spacedJoinCode(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4)}`;
}

/** The path a join code is redeemed at. */
export function joinPath(code: string): string {
  return `/join/${code}`;
}

/** Whether a class can be joined by its code now: "open", "off" (no code) or "expired". */
export type JoinState = "open" | "off" | "expired";

export function joinStateOf(joinClass: { joinCode: string | null; joinCodeExpiresAt: Date | null }, now: Date): JoinState {
  if (!joinClass.joinCode) return "off";
  if (joinClass.joinCodeExpiresAt && joinClass.joinCodeExpiresAt.getTime() <= now.getTime()) return "expired";
  return "open";
}

/** What anyone holding a code that does not work reads: the same for a mistyped, changed, expired or turned-off code. */
export const JOIN_CODE_REFUSED = "This join code does not work. Check it with your teacher: it may be mistyped, changed or no longer open.";

// ---- The throttle on guessed codes ----

/** Wrong codes older than this no longer count. */
export const JOIN_WINDOW_SECONDS = 15 * 60;
/** Wrong codes one user may try within the window; the next must wait. */
export const JOIN_FAILURE_LIMIT = 10;

export type JoinThrottle = { locked: false } | { locked: true; retryAfterSeconds: number };

/**
 * Whether a user may try a code now, given the times of their latest wrong codes (any order). Locked while
 * `JOIN_FAILURE_LIMIT` of them fall within the window: until the oldest of those latest ones ages out of it.
 */
export function decideJoinThrottle(failures: Date[], now: Date): JoinThrottle {
  const windowStart = now.getTime() - JOIN_WINDOW_SECONDS * 1000;
  const recent = failures
    .map((at) => at.getTime())
    .filter((at) => at > windowStart && at <= now.getTime() + 1000)
    .sort((a, b) => b - a);
  if (recent.length < JOIN_FAILURE_LIMIT) return { locked: false };
  const oldestCounted = recent[JOIN_FAILURE_LIMIT - 1]!;
  const remainingMs = oldestCounted + JOIN_WINDOW_SECONDS * 1000 - now.getTime();
  return { locked: true, retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)) };
}

export function joinThrottleMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many join codes that did not work. Wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again, or ask your teacher for the link.`;
}

// ---- A pasted list of members ----

/** Names one paste may hold: a large school year at once. */
export const MAX_MEMBER_LINES = 10_000;
/** Characters one paste may hold: 10 000 long usernames with their separators. */
export const MAX_MEMBER_TEXT = MAX_MEMBER_LINES * (USERNAME_MAX + 2);

/** A username as it may appear in a list: letters and digits of any script, and . _ @ + -. */
const LISTED_USERNAME = /^[\p{L}\p{N}._@+-]+$/u;

export type ListedOutcome = "invalid" | "duplicate";

/** One name of a pasted list, as read: its line, the text, the username it names, and what is wrong with it. */
export interface ListedName {
  line: number;
  text: string;
  username: string;
  problem: ListedOutcome | null;
}

/** A list that cannot be used at all (too long): nothing in it is read. */
export class MemberListError extends Error {
  override name = "MemberListError";
}

/**
 * Reads a pasted list of usernames: one a line or separated by commas or semicolons, blank entries skipped,
 * each trimmed and lowercased as sign-in reads it. A name that cannot be a username is `invalid`, a name
 * given before is a `duplicate`. More than `MAX_MEMBER_LINES` names is refused as a whole.
 */
export function parseMemberList(input: string, maxNames = MAX_MEMBER_LINES): ListedName[] {
  if (input.length > MAX_MEMBER_TEXT) throw new MemberListError(`The list is longer than ${MAX_MEMBER_LINES.toLocaleString("en")} names: add it in parts.`);
  const names: ListedName[] = [];
  const seen = new Set<string>();
  const lines = input.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    for (const part of lines[i]!.split(/[,;]/)) {
      const text = part.trim();
      if (text === "") continue;
      if (names.length >= maxNames) throw new MemberListError(`The list has more than ${maxNames.toLocaleString("en")} names: add at most ${maxNames.toLocaleString("en")} at a time.`);
      const username = normaliseUsername(text);
      const valid = username.length <= USERNAME_MAX && LISTED_USERNAME.test(username);
      const problem: ListedOutcome | null = !valid ? "invalid" : seen.has(username) ? "duplicate" : null;
      if (valid) seen.add(username);
      names.push({ line: i + 1, text: text.length > 80 ? `${text.slice(0, 80)}…` : text, username: valid ? username : "", problem });
    }
  }
  return names;
}

/** What adding a listed name does (or would do, in a dry run). */
export type MemberOutcome = "added" | "already-member" | "unknown-user" | "duplicate" | "invalid";

export const MEMBER_OUTCOME_LABELS: Record<MemberOutcome, string> = {
  added: "Added",
  "already-member": "Already a member",
  "unknown-user": "No such account",
  duplicate: "Listed twice",
  invalid: "Not a username",
};

/** Counts of each outcome, every outcome present. */
export function countOutcomes(outcomes: { outcome: MemberOutcome }[]): Record<MemberOutcome, number> {
  const counts: Record<MemberOutcome, number> = { added: 0, "already-member": 0, "unknown-user": 0, duplicate: 0, invalid: 0 };
  for (const { outcome } of outcomes) counts[outcome]++;
  return counts;
}

/** How someone came to be a member: by the join link, added by a teacher, or through a bound group. */
export type MemberVia = "link" | "teacher" | "group";
export const MEMBER_VIA_LABELS: Record<MemberVia, string> = { link: "Join link", teacher: "Added by a teacher", group: "Group" };
