import "server-only";
import { listClassMembers, type MemberRow } from "@/lib/db/classes";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { findTaughtClass } from "./internal/scope";

export type ClassMemberView = Omit<MemberRow, "userId">;

/** A class's roster: who is in it and how they came in (the join link, a teacher, a bound group). */
export async function listMembers(identity: Identity | null, input: { slug: unknown }): Promise<{ groups: string[]; members: ClassMemberView[] }> {
  const scoped = await findTaughtClass(identity, input.slug);
  const { groups } = await db().class.findUniqueOrThrow({ where: { id: scoped.id }, select: { groups: true } });
  const rows = await listClassMembers(scoped.id, groups ?? []);
  return { groups: groups ?? [], members: rows.map(({ userId: _id, ...member }) => member) };
}
