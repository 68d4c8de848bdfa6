import "server-only";
import {
  cellStateOf,
  countCells,
  describeCounts,
  isExpiringSoon,
  parseClassViewQuery,
  rowMatches,
  studentMatches,
  type CellState,
  type ClassViewCounts,
  type ClassViewQuery,
  type Ownership,
} from "@/lib/domain/class-view";
import type { Identity } from "@/lib/domain/identity";
import type { Phase } from "@/lib/domain/phase";
import { extensionsLeft } from "@/lib/domain/ttl";
import { readClassGrid } from "./internal/class-grid";
import { findTaughtClass } from "./internal/scope";

export interface ClassViewTemplate {
  name: string;
  displayName: string;
  /** How its environments are owned: by each student (`user`, `email`, `claim`) or shared by a group (`group`). */
  ownership: Ownership;
  /** Whether teachers may open their students' environments of it. */
  teacherAccess: boolean;
}

export interface ClassViewCell {
  template: string;
  state: CellState;
  /** The environment's id while it lives; null when not started (or only ended ones). */
  uuid: string | null;
  phase: Phase | null;
  health: string | null;
  expiresAt: string | null;
  expiringSoon: boolean;
  /** When the environment shown (live or the latest ended) was launched; null when never. */
  launchedAt: string | null;
  extensionsLeft: number | null;
  /** For a group-owned template: the group whose one environment this is (shared with its other members). */
  sharedWith: string | null;
  /** True when the teacher may open it now (teacher access on, and it is ready). */
  canOpen: boolean;
}

export interface ClassViewStudent {
  username: string;
  displayName: string | null;
  cells: ClassViewCell[];
}

export interface ClassEnvironments {
  class: { slug: string; title: string; archived: boolean };
  query: ClassViewQuery;
  templates: ClassViewTemplate[];
  /** The students the filter keeps, by username. */
  students: ClassViewStudent[];
  /** How many students the class has, filtered or not. */
  studentCount: number;
  /** Cells by state over the whole class (not only the students shown). */
  counts: ClassViewCounts;
  summary: string;
  observedAt: string;
}

/**
 * The live class view: every member of a class the caller teaches (admins: any class) by every template of
 * the class's catalogs, each cell the student's environment of that template as it is now, or when they
 * last launched one. The filter and search narrow the students shown; the counts are over the whole class.
 * A class the caller does not teach is NOT_FOUND.
 */
export async function getClassEnvironments(identity: Identity | null, input: { slug: unknown; searchParams?: unknown }): Promise<ClassEnvironments> {
  const scoped = await findTaughtClass(identity, input.slug);
  const query = parseClassViewQuery(input.searchParams);
  const grid = await readClassGrid(scoped);
  const now = new Date();
  const all = grid.students.map((student) => ({
    username: student.username,
    displayName: student.displayName,
    cells: student.cells.map(({ template, instance }): ClassViewCell => {
      const state = cellStateOf(instance && { phase: instance.phase, health: instance.health, expiresAt: instance.expiresAt, deleted: instance.deletedAt !== null });
      const live = instance !== null && instance.deletedAt === null;
      const policy = { ttlSeconds: 0, extendSeconds: template.ttlExtendSeconds, maxExtends: template.ttlMaxExtends };
      return {
        template: template.name,
        state,
        uuid: live ? instance.uuid : null,
        phase: live ? instance.phase : null,
        health: live ? instance.health : null,
        expiresAt: live ? (instance.expiresAt?.toISOString() ?? null) : null,
        expiringSoon: live && isExpiringSoon(state, instance.expiresAt, now),
        launchedAt: instance ? instance.createdAt.toISOString() : null,
        extensionsLeft: live ? extensionsLeft(policy, instance) : null,
        sharedWith: live && template.ownership === "group" ? instance.ownerKey : null,
        canOpen: live && template.teacherAccess && state === "running" && instance.url !== null,
      };
    }),
  }));
  const counts = countCells(all.flatMap((student) => student.cells));
  return {
    class: { slug: grid.class.slug, title: grid.class.title, archived: grid.class.archivedAt !== null },
    query,
    templates: grid.templates.map((t) => ({ name: t.name, displayName: t.displayName, ownership: t.ownership, teacherAccess: t.teacherAccess })),
    students: all.filter((student) => studentMatches(student, query.search) && rowMatches(student.cells, query.status)),
    studentCount: all.length,
    counts,
    summary: describeCounts(counts),
    observedAt: now.toISOString(),
  };
}
