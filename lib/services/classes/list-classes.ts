import "server-only";
import { listClassSummaries } from "@/lib/db/classes";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { type ClassView, toClassView } from "./internal/classes";

export interface ClassSummary extends ClassView {
  members: number;
  catalogs: number;
  teachers: string[];
}

/** The classes the caller teaches (every class for an admin), active ones first, by title. */
export async function listClasses(identity: Identity | null): Promise<ClassSummary[]> {
  assertCan(identity, "teach:view");
  // Deliberately unscoped for admins: they run every class.
  const rows = await listClassSummaries(identity.roles.includes("admin") ? null : identity.userId);
  const now = new Date();
  return rows.map((row) => ({ ...toClassView(row, now), members: row.members, catalogs: row.catalogs, teachers: row.teachers }));
}
