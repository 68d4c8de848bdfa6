import "server-only";
import { classColumns, listClassTeachers } from "@/lib/db/classes";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { type ClassView, toClassView } from "./internal/classes";
import { findTaughtClass } from "./internal/scope";

export interface ClassDetail extends ClassView {
  teachers: { username: string; displayName: string | null }[];
  catalogs: { slug: string; title: string }[];
}

/** One class the caller teaches (any, for an admin), with its teachers and catalogs; NOT_FOUND otherwise. */
export async function getClass(identity: Identity | null, input: { slug: unknown }): Promise<ClassDetail> {
  const scoped = await findTaughtClass(identity, input.slug);
  const row = await db().class.findUniqueOrThrow({ where: { id: scoped.id }, select: classColumns });
  const [teachers, catalogs] = await Promise.all([
    listClassTeachers(scoped.id),
    db().catalog.findMany({ where: { deletedAt: null, classes: { some: { classId: scoped.id } } }, orderBy: { title: "asc" }, select: { slug: true, title: true } }),
  ]);
  return { ...toClassView(row), teachers: teachers.map(({ username, displayName }) => ({ username, displayName })), catalogs };
}
