import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { parseClassInput, slugOf } from "./internal/classes";
import { checkNames, namesInput, readNames, type MemberReport } from "./internal/member-list";
import { findTaughtClass } from "./internal/scope";

export type { MemberReport };

const previewSchema = z.strictObject({ slug: z.unknown(), names: namesInput });

/** The dry run of adding a list of usernames: each name's outcome (added, already a member, unknown, twice, invalid), nothing written. */
export async function previewMembers(identity: Identity | null, input: unknown): Promise<MemberReport> {
  assertCan(identity, "class:manage");
  const scoped = await findTaughtClass(identity, slugOf(input));
  const names = readNames(parseClassInput(previewSchema, input).names);
  const { groups } = await db().class.findUniqueOrThrow({ where: { id: scoped.id }, select: { groups: true } });
  return db().$transaction(async (tx) => (await checkNames(tx, scoped.id, groups ?? [], names)).report);
}
