import "server-only";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { recordAudit } from "@/lib/db/audit";
import { classColumns } from "@/lib/db/classes";
import { db } from "@/lib/db/client";
import { classChangeSchema } from "@/lib/domain/classes";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { auditedClass, type ClassView, parseClassInput, slugOf, toClassView } from "./internal/classes";
import { findTaughtClass } from "./internal/scope";

const updateSchema = z.strictObject({ slug: z.unknown(), fields: classChangeSchema });

/** Changes a class's title, term or bound groups; nothing is written (or audited) when nothing changes. */
export async function updateClass(identity: Identity | null, input: unknown): Promise<{ changed: boolean; class: ClassView }> {
  assertCan(identity, "class:manage");
  const scoped = await findTaughtClass(identity, slugOf(input));
  const { fields } = parseClassInput(updateSchema, input);
  return db().$transaction(async (tx) => {
    const before = await tx.class.findUniqueOrThrow({ where: { id: scoped.id }, select: classColumns });
    const change = Object.fromEntries(Object.entries(fields).filter(([key, value]) => value !== undefined && !isDeepStrictEqual(value, before[key as keyof typeof before])));
    if (Object.keys(change).length === 0) return { changed: false, class: toClassView(before) };
    const after = await tx.class.update({ where: { id: scoped.id }, data: change, select: classColumns });
    await recordAudit(tx, { actor: identity, action: "class.update", objectType: "class", objectId: scoped.id, before: auditedClass(before), after: auditedClass(after) });
    return { changed: true, class: toClassView(after) };
  });
}
