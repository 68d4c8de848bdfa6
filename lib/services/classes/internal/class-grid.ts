import "server-only";
import { getConfig } from "@/lib/config";
import { listClassInstances, listClassStudents, listClassTemplates, type ClassInstanceRow, type ClassStudent, type ClassTemplate } from "@/lib/db/classes";
import { loadTemplate } from "@/lib/db/templates";
import { ownershipOf, studentOwnerKey, type Ownership } from "@/lib/domain/class-view";
import type { ScopedClass } from "./scope";

/**
 * The class view's data, read once and shared by the view, the bulk actions and "Open": the class's members,
 * the templates of its catalogs, and for each member and template the instance the cell shows. What a teacher
 * may see and act on is exactly this: their classes' members' environments of those classes' templates. An
 * environment of a template outside the class's catalogs, or of someone outside the class, is never in it.
 */

export interface GridTemplate extends ClassTemplate {
  ownership: Ownership;
}

export interface GridCell {
  template: GridTemplate;
  /** The owner key the student's environment has; null when found by who launched it, or when they have none. */
  ownerKey: string | null;
  /** The live instance, else the latest torn down; null when never launched. */
  instance: ClassInstanceRow | null;
}

export interface GridStudent extends ClassStudent {
  cells: GridCell[];
}

export interface ClassGrid {
  class: ScopedClass;
  templates: GridTemplate[];
  students: GridStudent[];
  /** The uuids of the live instances the grid shows: what a teacher of the class may act on. */
  live: Map<string, { instance: ClassInstanceRow; template: GridTemplate; students: GridStudent[] }>;
}

async function ownershipOfTemplate(template: ClassTemplate): Promise<Ownership> {
  const loaded = await loadTemplate({ id: template.id });
  // The composed claim counts: a base template may set it for every template that extends it.
  return ownershipOf(loaded.composed?.ownerClaim ?? loaded.latest.spec.ownerClaim, getConfig().oidc?.claims.username);
}

/** Reads the grid of a class the caller has already been allowed to see (findTaughtClass). */
export async function readClassGrid(scoped: ScopedClass): Promise<ClassGrid> {
  const [students, classTemplates] = await Promise.all([listClassStudents(scoped.id), listClassTemplates(scoped.id)]);
  const templates: GridTemplate[] = await Promise.all(classTemplates.map(async (t) => ({ ...t, ownership: await ownershipOfTemplate(t) })));
  const keys = new Set<string>();
  const launchers = new Set<string>();
  for (const template of templates) {
    for (const student of students) {
      const key = studentOwnerKey(student, template.ownership);
      if (key) keys.add(key);
      else if (template.ownership === "claim") launchers.add(student.userId);
    }
  }
  const rows = await listClassInstances(
    templates.map((t) => t.id),
    [...keys],
    [...launchers],
  );
  const byOwner = new Map<string, ClassInstanceRow>();
  const byLauncher = new Map<string, ClassInstanceRow>();
  for (const row of rows) {
    if (row.ownerKey) byOwner.set(`${row.templateId} ${row.ownerKey}`, row);
    if (row.createdById) byLauncher.set(`${row.templateId} ${row.createdById}`, row);
  }
  const live: ClassGrid["live"] = new Map();
  const gridStudents: GridStudent[] = students.map((student) => {
    const cells = templates.map((template): GridCell => {
      const ownerKey = studentOwnerKey(student, template.ownership);
      let instance: ClassInstanceRow | null = null;
      if (ownerKey) instance = byOwner.get(`${template.id} ${ownerKey}`) ?? null;
      else if (template.ownership === "claim") {
        instance = byLauncher.get(`${template.id} ${student.userId}`) ?? null;
      }
      return { template, ownerKey, instance };
    });
    return { ...student, cells };
  });
  for (const student of gridStudents) {
    for (const cell of student.cells) {
      if (!cell.instance || cell.instance.deletedAt) continue;
      const entry = live.get(cell.instance.uuid);
      if (entry) entry.students.push(student);
      else live.set(cell.instance.uuid, { instance: cell.instance, template: cell.template, students: [student] });
    }
  }
  return { class: scoped, templates, students: gridStudents, live };
}
