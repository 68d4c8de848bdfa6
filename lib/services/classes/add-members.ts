import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { parseClassInput, slugOf } from "./internal/classes";
import { checkNames, namesInput, readNames, type MemberReport } from "./internal/member-list";
import { findTaughtClass } from "./internal/scope";

const addSchema = z.strictObject({ slug: z.unknown(), names: namesInput });

/**
 * Adds the accounts a list names to a class ("added by a teacher"), in one transaction with one audit entry
 * naming them. Names that are unknown, listed twice, invalid or already members are reported and skipped;
 * a list in which no name can be added changes nothing and says why.
 */
export async function addMembers(identity: Identity | null, input: unknown): Promise<MemberReport> {
  assertCan(identity, "class:manage");
  const scoped = await findTaughtClass(identity, slugOf(input));
  const names = readNames(parseClassInput(addSchema, input).names);
  if (names.length === 0) throw new AppError("INVALID_INPUT", "The list is empty: enter at least one username.", { names: ["Enter at least one username."] });
  return db().$transaction(
    async (tx) => {
      // Locked so two lists added at once are checked one after the other.
      const [locked] = await tx.$queryRaw<{ groups: string[] | null }[]>`SELECT groups FROM classes WHERE id = ${scoped.id}::uuid FOR UPDATE`;
      const { report, toAdd } = await checkNames(tx, scoped.id, locked?.groups ?? [], names);
      if (toAdd.length === 0) return report;
      await tx.classMember.createMany({ data: toAdd.map((user) => ({ classId: scoped.id, userId: user.id, via: "teacher" })), skipDuplicates: true });
      await recordAudit(tx, {
        actor: identity,
        action: "class.member.add",
        objectType: "class",
        objectId: scoped.id,
        after: { slug: scoped.slug, added: toAdd.map((u) => u.username), count: toAdd.length },
      });
      return report;
    },
    { timeout: 60_000 },
  );
}
