import "server-only";
import { z } from "zod";
import { MAX_MEMBER_TEXT, MemberListError, countOutcomes, parseMemberList, type MemberOutcome } from "@/lib/domain/classes";
import { AppError } from "@/lib/domain/errors";
import type { Prisma } from "@/lib/db/client";

/** Names as a teacher pastes them (one text) or a script sends them (a list). */
export const namesInput = z.union([z.string().max(MAX_MEMBER_TEXT, "The list is too long: add at most 10,000 names at a time."), z.array(z.string().max(200)).max(10_001)], {
  error: "Send the usernames as text (one a line, or separated by commas) or as a list of strings.",
});

export interface MemberReportRow {
  line: number;
  text: string;
  username: string;
  outcome: MemberOutcome;
}

/** What adding a list does or would do, name by name, and how many of each. */
export interface MemberReport {
  rows: MemberReportRow[];
  counts: Record<MemberOutcome, number>;
}

/** Reads the names, refusing a list too long to use at all as INVALID_INPUT at `names`. */
export function readNames(names: string | string[]) {
  try {
    return parseMemberList(Array.isArray(names) ? names.join("\n") : names);
  } catch (error) {
    if (error instanceof MemberListError) throw new AppError("INVALID_INPUT", error.message, { names: [error.message] });
    throw error;
  }
}

/**
 * Each name's outcome against the database as it is in `tx`: "added" for an account that is not a member
 * yet (by a row, or through a bound group). Also the ids to add.
 */
export async function checkNames(tx: Prisma.TransactionClient, classId: string, classGroups: string[], names: ReturnType<typeof readNames>): Promise<{ report: MemberReport; toAdd: { id: string; username: string }[] }> {
  const wanted = [...new Set(names.filter((n) => n.problem === null).map((n) => n.username))];
  const users = wanted.length ? await tx.user.findMany({ where: { username: { in: wanted } }, select: { id: true, username: true, groups: true } }) : [];
  const byName = new Map(users.map((u) => [u.username, u]));
  const members = new Set(
    (await tx.classMember.findMany({ where: { classId, userId: { in: users.map((u) => u.id) } }, select: { userId: true } })).map((m) => m.userId),
  );
  const toAdd: { id: string; username: string }[] = [];
  const rows = names.map((name): MemberReportRow => {
    const base = { line: name.line, text: name.text, username: name.username };
    if (name.problem) return { ...base, outcome: name.problem };
    const user = byName.get(name.username);
    if (!user) return { ...base, outcome: "unknown-user" };
    if (members.has(user.id) || user.groups.some((g) => classGroups.includes(g))) return { ...base, outcome: "already-member" };
    toAdd.push({ id: user.id, username: user.username });
    return { ...base, outcome: "added" };
  });
  return { report: { rows, counts: countOutcomes(rows) }, toAdd };
}
